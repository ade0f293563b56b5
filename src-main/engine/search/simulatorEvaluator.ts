/**
 * The SearchEvaluator over the engine's QuantSimulator: calibration and validation are two
 * datasets, evaluations go to the simulator (which caches sessions and FP32 references), and tensor
 * capture for MSQ runs the configuration's QDQ graph (the same graph the simulator evaluates and
 * exports) with the requested layer outputs added as graph outputs.
 */
import { createHash } from 'node:crypto';
import type * as ort from 'onnxruntime-node';
import { BitbenchError, type ModelInfo, type QuantConfig } from '../../api/index.js';
import type { Dataset } from '../data/dataset.js';
import type { LoadedModel } from '../model/loadModel.js';
import type { Model } from '../onnx/ir.js';
import { throwIfAborted } from '../runtime/abort.js';
import { createSession, runFloat } from '../runtime/session.js';
import { buildQdqModel } from '../simulate/qdqGraph.js';
import type { QuantSimulator } from '../simulate/simulator.js';
import { PrefixReuse } from '../simulate/prefixReuse.js';
import type { CapturedBatch, EvaluateOptions, EvaluationResult, EvaluationSweep, FeatureCapture, SearchEvaluator, SearchSplit } from './types.js';

/** The data a search runs on; the two splits must be disjoint for honest validation numbers. */
export interface SearchData {
  calibration: Dataset;
  validation: Dataset;
}

/** Samples per onnxruntime run during capture (kept small: every layer output is materialized). */
const CAPTURE_BATCH = 64;

export class SimulatorEvaluator implements SearchEvaluator {
  readonly features?: FeatureCapture;
  private fp32: ort.InferenceSession | undefined;
  private readonly referenceLogits = new Map<string, Float32Array[]>();
  private fingerprintCache: string | undefined;

  /**
   * @param loaded the same model loaded by the engine's loader, needed only for tensor capture
   *   (quantizable layer specs); without it MSQ is unavailable.
   */
  constructor(
    readonly simulator: QuantSimulator,
    readonly data: SearchData,
    private readonly loaded?: LoadedModel,
    private readonly threads = 2,
    /** Bound on the prefix outputs a phase-1 sweep keeps (default: prefixReuse's). */
    private readonly sweepMemoryBytes?: number,
  ) {
    if (loaded) this.features = { captureTensors: (config, split, tensors, visit, options) => this.capture(config, split, tensors, visit, options) };
  }

  get info(): ModelInfo {
    return this.simulator.info;
  }

  /** Model and both splits (their hashes cover the samples chosen), shortened. */
  get fingerprint(): string {
    const { calibration, validation } = this.data;
    // A storage format that changes the simulated graph changes the numbers; the plain one adds
    // nothing, so keys of runs recorded before formats existed still match.
    const f = this.simulator.format;
    const format = f.opset !== f.sourceOpset || f.lowBitWeights === 'int4' || f.float !== 'fp32' ? [`opset${f.opset}`, f.lowBitWeights, f.float] : [];
    const text = [this.simulator.info.sha256, calibration.sha256, calibration.size, validation.sha256, validation.size, ...format].join('|');
    this.fingerprintCache ??= createHash('sha256').update(text).digest('hex').slice(0, 16);
    return this.fingerprintCache;
  }

  async evaluate(config: QuantConfig, split: SearchSplit, options: EvaluateOptions = {}): Promise<EvaluationResult> {
    const result = await this.simulator.evaluate(config, this.data[split], { limit: options.limit, signal: options.signal });
    return { sqnrDb: result.sqnrDb, accuracy: result.accuracy };
  }

  /** A sweep re-running only the suffix that differs from `base` (engine/simulate/prefixReuse.ts). */
  async openSweep(base: QuantConfig, split: SearchSplit, options: EvaluateOptions = {}): Promise<EvaluationSweep> {
    const reuse = await PrefixReuse.open(this.simulator, base, this.data[split], { limit: options.limit, signal: options.signal, memoryBytes: this.sweepMemoryBytes });
    return {
      evaluate: async (config, o = {}) => {
        const result = await reuse.evaluate(config, o.signal ?? options.signal);
        return { sqnrDb: result.sqnrDb, accuracy: result.accuracy };
      },
      get stats() {
        return { reused: reuse.stats.suffixEvaluations + reuse.stats.identicalToBase, whole: reuse.stats.fullEvaluations, passes: reuse.stats.prefixPasses, peakBytes: reuse.stats.peakBytes };
      },
      close: () => reuse.close(),
    };
  }

  async dispose(): Promise<void> {
    await this.fp32?.release();
    this.fp32 = undefined;
  }

  private async capture(config: QuantConfig, split: SearchSplit, tensors: string[], visit: (batch: CapturedBatch) => void, options: EvaluateOptions = {}): Promise<void> {
    const loaded = this.loaded!;
    const dataset = this.data[split];
    const built = buildQdqModel(loaded.model, loaded.placement.layers, this.simulator.plan(config));
    // Original tensor name -> the tensor holding that float value in the QDQ graph.
    const rename = new Map<string, string>();
    for (const spec of loaded.placement.layers) rename.set(spec.node.outputs[0], built.layerOutputs[spec.node.name] ?? spec.node.outputs[0]);
    const wanted = tensors.filter((t) => t !== loaded.inputName);
    const existing = new Set(built.model.graph.outputs.map((o) => o.name));
    const extra = [...new Set(wanted.map((t) => rename.get(t) ?? t))].filter((t) => !existing.has(t)).map((name) => ({ name, elemType: 1, shape: null }));
    const model: Model = { ...built.model, graph: { ...built.model.graph, outputs: [...built.model.graph.outputs, ...extra] } };
    const session = await createSession(model, { threads: this.threads });
    try {
      const count = Math.min(options.limit ?? dataset.size, dataset.size);
      // The FP32 logits of these batches are the same for every configuration (MSQ captures once
      // per lowering step, hundreds of times): computed on the first capture, then reused.
      const referenceKey = `${split}:${dataset.sha256}:${count}`;
      const known = this.referenceLogits.get(referenceKey);
      const computed: Float32Array[] = [];
      let index = 0;
      for await (const batch of dataset.batches({ batchSize: CAPTURE_BATCH, count })) {
        throwIfAborted(options.signal);
        const n = batch.dims[0];
        const out = await runFloat(session, loaded.inputName, batch.input, batch.dims);
        let referenceLogits = known?.[index++];
        if (!referenceLogits) {
          this.fp32 ??= await createSession(loaded.model, { threads: this.threads });
          const ref = await runFloat(this.fp32, loaded.inputName, batch.input, batch.dims, [loaded.outputName]);
          referenceLogits = (ref[loaded.outputName] as ort.Tensor).data as Float32Array;
          computed.push(referenceLogits);
        }
        const captured = new Map<string, { dims: number[]; data: Float32Array }>();
        for (const t of tensors) {
          if (t === loaded.inputName) {
            captured.set(t, { dims: batch.dims, data: batch.input });
            continue;
          }
          const value = out[rename.get(t) ?? t] as ort.Tensor | undefined;
          if (!value) throw new BitbenchError('NOT_FOUND', `The model has no tensor "${t}" to capture.`, 'Capture layer outputs named in the model info.');
          captured.set(t, { dims: [...value.dims], data: value.data as Float32Array });
        }
        visit({ size: n, labels: batch.labels, referenceLogits, classes: referenceLogits.length / n, tensors: captured });
      }
      if (!known) this.referenceLogits.set(referenceKey, computed);
    } finally {
      await session.release();
    }
  }
}
