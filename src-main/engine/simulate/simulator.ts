/**
 * QuantSimulator: one loaded model, its calibration statistics, and fast exact evaluation of any
 * configuration. A configuration resolves to a QuantPlan (plan.ts), the plan to a QDQ graph
 * (qdqGraph.ts), the graph to an onnxruntime session (cached: switching back to a configuration
 * costs nothing). "The simulated value" of a configuration is what onnxruntime's CPU provider
 * computes on that QDQ graph; exportQdq writes the same graph, so export and simulation agree.
 */
import { writeFileSync } from 'node:fs';
import type * as ort from 'onnxruntime-node';
import { BitbenchError } from '../../api/errors.js';
import { type CalibrationMethod, type ModelInfo, QuantConfig } from '../../api/quant.js';
import type { Dataset } from '../data/dataset.js';
import { type ActivationStats, collectActivationStats } from '../calibrate/activationStats.js';
import { activationRange } from '../calibrate/ranges.js';
import { type LoadedModel, loadModel } from '../model/loadModel.js';
import { type Model, elementCount, toNumber } from '../onnx/ir.js';
import { encodeModel } from '../onnx/encode.js';
import { tensorAsFloat } from '../onnx/tensor.js';
import { affineParams } from '../quant/arithmetic.js';
import { type QuantizedWeight, type WeightMethod, quantizeWeight } from '../quant/weights.js';
import { throwIfAborted } from '../runtime/abort.js';
import { createSession, runFloat } from '../runtime/session.js';
import { SqnrAccumulator, countCorrect } from '../evaluate/metrics.js';
import { type ExportFormat, type ExportFormatOptions, type FormattedModel, applyExportFormat, resolveExportFormat } from '../export/format.js';
import { type ExportManifest, type ExportedLayer, describeFormat } from '../export/manifest.js';
import { buildQdqModel, type QdqBuildResult } from './qdqGraph.js';
import type { QuantPlan } from './plan.js';
import { SessionCache } from './sessionCache.js';

export interface EvaluationResult {
  /** Output SQNR against FP32 in dB (Infinity for the FP32 model itself). */
  sqnrDb: number;
  /** Top-1 accuracy, or null when the data has no labels. */
  accuracy: number | null;
  samples: number;
  seconds: number;
  /** SQNR of every quantizable layer's output against FP32 (with `taps`). */
  layerSqnrDb?: Record<string, number>;
}

export interface SimulatorOptions {
  calibration: Dataset;
  /** Default activation range method when a configuration names none; default 'percentile'. */
  calibrationMethod?: CalibrationMethod;
  /** Calibration samples; default 512. */
  calibrationLimit?: number;
  /** Weight clipping: 'auto' (default: MSE at 4 bits and above, min-max below), 'mse' or 'minmax'. */
  weightMethod?: WeightMethod;
  threads?: number;
  /** Samples per onnxruntime run; default 250. */
  batchSize?: number;
  signal?: AbortSignal;
  /**
   * Storage formats (opset upgrade, INT4 weights, FP16 float layers) of the graph every evaluation
   * runs and exportQdq writes; default: the model's opset, INT4 from opset 21, FP32.
   */
  format?: ExportFormatOptions;
}

export interface EvaluateOptions {
  limit?: number;
  start?: number;
  signal?: AbortSignal;
  taps?: boolean;
  /** Throw LABELS_MISSING instead of returning accuracy null. */
  requireLabels?: boolean;
}

export interface CapturedLayer {
  input: Float32Array;
  dims: number[];
  weight: Float32Array;
  weightDims: number[];
  attrs: Record<string, unknown>;
}

interface Reference {
  outputs: Float32Array;
  seconds: number;
}

const SESSION_CACHE_SIZE = 12;

export class QuantSimulator {
  private readonly sessions = new SessionCache(SESSION_CACHE_SIZE);
  private readonly references = new Map<string, Reference>();
  private readonly weightCache = new Map<string, QuantizedWeight>();
  private readonly rangeCache = new Map<string, { lo: number; hi: number }>();
  private readonly roundedWeights = new Map<string, Int32Array>();
  private roundingVersion = 0;

  private constructor(
    private readonly loaded: LoadedModel,
    private readonly stats: Map<string, ActivationStats>,
    private readonly fp32: ort.InferenceSession,
    private readonly options: Required<Omit<SimulatorOptions, 'calibration' | 'signal' | 'format'>>,
    /** The storage format every built graph gets (export/format.ts). */
    readonly format: ExportFormat,
  ) {}

  /** Loads a model and calibrates its activation statistics on `options.calibration`. */
  static async create(modelPath: string, options: SimulatorOptions): Promise<QuantSimulator> {
    const loaded = await loadModel(modelPath, { sampleDims: options.calibration.sampleDims });
    checkDataShape(loaded, options.calibration);
    const format = resolveExportFormat(loaded.model, options.format);
    const resolved = {
      calibrationMethod: options.calibrationMethod ?? 'percentile',
      calibrationLimit: options.calibrationLimit ?? 512,
      weightMethod: options.weightMethod ?? 'auto',
      threads: options.threads ?? 2,
      batchSize: options.batchSize ?? 250,
    };
    const stats = await collectActivationStats(loaded.model, loaded.placement.activations, options.calibration, {
      limit: resolved.calibrationLimit,
      threads: resolved.threads,
      signal: options.signal,
    });
    const fp32 = await createSession(loaded.model, { threads: resolved.threads });
    return new QuantSimulator(loaded, stats, fp32, resolved, format);
  }

  get info(): ModelInfo {
    return this.loaded.info;
  }

  /** The canonical float model (BatchNorm folded). */
  get model(): Model {
    return this.loaded.model;
  }

  /** Shapes of the float model's tensors for one sample (from loading it). */
  get shapes(): ReadonlyMap<string, { dims: number[] }> {
    return this.loaded.shapes;
  }

  /** Evaluates a configuration on `data` (output SQNR vs FP32, top-1 accuracy with labels). */
  async evaluate(config: QuantConfig, data: Dataset, options: EvaluateOptions = {}): Promise<EvaluationResult> {
    const parsed = this.validateConfig(config);
    checkDataShape(this.loaded, data);
    if (options.requireLabels && !data.hasLabels) {
      throw new BitbenchError('LABELS_MISSING', `The dataset "${data.name}" has no labels, so accuracy cannot be measured.`, 'Use a labelled dataset (fmnist:DIR, images:DIR with class folders, npy:FILE:LABELS.npy) or ask for SQNR only.');
    }
    const start = options.start ?? 0;
    const count = Math.min(options.limit ?? data.size, data.size - start);
    if (data.size === 0 || count <= 0) throw new BitbenchError('INVALID_DATASET', `The dataset "${data.name}" has no samples to evaluate (size ${data.size}, start ${start}).`, 'Choose a non-empty dataset and a start inside it.');
    const quantized = Object.values(parsed.groups).some((p) => p.w !== null || p.a !== null);
    // An all-float configuration is the FP32 model itself unless the format rewrites float layers or the opset.
    const formatIsIdentity = this.format.float === 'fp32' && this.format.opset === this.format.sourceOpset;
    if (!quantized && !options.taps && formatIsIdentity) {
      const t0 = performance.now();
      const { correct } = await this.computeReference(data, start, count, options.signal, true);
      return { sqnrDb: Infinity, accuracy: data.hasLabels ? correct / count : null, samples: count, seconds: (performance.now() - t0) / 1000 };
    }
    const reference = await this.reference(data, start, count, options.signal);
    const t0 = performance.now();
    const built = options.taps ? this.build(parsed) : null;
    const session = options.taps ? await this.tapSession(built!) : await this.borrowSession(parsed);
    const fp32Taps = options.taps ? await this.fp32TapSession() : null;
    const layerNames = this.loaded.placement.layers.map((l) => l.node.name);
    const tapAcc = new Map(layerNames.map((n) => [n, new SqnrAccumulator()]));
    const sqnr = new SqnrAccumulator();
    let correct = 0;
    let offset = 0;
    try {
      for await (const batch of data.batches({ batchSize: this.options.batchSize, start, count })) {
        throwIfAborted(options.signal ?? undefined);
        const n = batch.dims[0];
        const out = await runFloat(session, this.loaded.inputName, batch.input, batch.dims);
        const y = (out[this.loaded.outputName] as ort.Tensor).data as Float32Array;
        const width = y.length / n;
        sqnr.add(reference.outputs, y, offset * width);
        if (batch.labels) correct += countCorrect(y, batch.labels);
        if (fp32Taps && built) {
          const ref = await runFloat(fp32Taps, this.loaded.inputName, batch.input, batch.dims);
          for (const name of layerNames) {
            const qName = built.layerOutputs[name];
            tapAcc.get(name)!.add((ref[this.loaded.placement.layers.find((l) => l.node.name === name)!.node.outputs[0]] as ort.Tensor).data as Float32Array, (out[qName] as ort.Tensor).data as Float32Array);
          }
        }
        offset += n;
      }
    } finally {
      if (options.taps) {
        await session.release();
        await fp32Taps?.release();
      } else await this.sessions.giveBack(session);
    }
    const result: EvaluationResult = { sqnrDb: sqnr.db, accuracy: data.hasLabels ? correct / count : null, samples: count, seconds: (performance.now() - t0) / 1000 };
    if (options.taps) result.layerSqnrDb = Object.fromEntries([...tapAcc].map(([k, v]) => [k, v.db]));
    return result;
  }

  /**
   * Builds (and caches) the session of a configuration without evaluating it: a search can prepare
   * its next configurations ahead, and the benchmark measures the cost of switching.
   */
  async prepare(config: QuantConfig): Promise<void> {
    await this.sessions.giveBack(await this.borrowSession(this.validateConfig(config)));
  }

  /**
   * The QDQ model `evaluate` runs for a configuration, and how it runs it (samples per run,
   * threads, tensor names): the hook prefix reuse (prefixReuse.ts) builds its cut graphs from.
   */
  qdqModel(config: QuantConfig): Model {
    return this.build(this.validateConfig(config)).model;
  }

  /** Samples per onnxruntime run, intra-op threads and the model's input/output tensor names. */
  get runSettings(): { batchSize: number; threads: number; inputName: string; outputName: string } {
    return { batchSize: this.options.batchSize, threads: this.options.threads, inputName: this.loaded.inputName, outputName: this.loaded.outputName };
  }

  /** FP32 outputs on samples [start, start + count) of `data`, the reference `evaluate` compares with (cached). */
  async referenceOutputs(data: Dataset, start: number, count: number, signal?: AbortSignal): Promise<Float32Array> {
    checkDataShape(this.loaded, data);
    return (await this.reference(data, start, count, signal)).outputs;
  }

  /** Seconds the FP32 model took on the same batches (measured when the reference was computed). */
  referenceSeconds(data: Dataset, start = 0, count = data.size): number | null {
    return this.references.get(`${data.sha256}:${start}:${count}`)?.seconds ?? null;
  }

  /**
   * FP32 input activations of a layer on `data` (first `limit` samples), with its (BatchNorm-folded)
   * weight and attributes (plus `channelAxis` and, when present, `bias`). For a MatMul between two
   * activations, the first input.
   */
  async captureLayerInputs(layer: string, data: Dataset, limit: number): Promise<CapturedLayer> {
    const spec = this.layerSpec(layer);
    checkDataShape(this.loaded, data);
    const inputTensor = spec.activationInputs[0];
    const isInput = inputTensor === this.loaded.inputName;
    const probe: Model = { ...this.loaded.model, graph: { ...this.loaded.model.graph, outputs: [{ name: inputTensor, elemType: 1, shape: null }] } };
    const session = isInput ? null : await createSession(probe, { threads: this.options.threads });
    const parts: Float32Array[] = [];
    let sampleDims: number[] = [];
    let n = 0;
    try {
      for await (const batch of data.batches({ batchSize: this.options.batchSize, count: Math.min(limit, data.size) })) {
        const values = session ? ((await runFloat(session, this.loaded.inputName, batch.input, batch.dims))[inputTensor] as ort.Tensor) : null;
        parts.push(values ? (values.data as Float32Array) : batch.input);
        sampleDims = values ? [...values.dims.slice(1)] : batch.dims.slice(1);
        n += batch.dims[0];
      }
    } finally {
      await session?.release();
    }
    const input = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      input.set(p, o);
      o += p.length;
    }
    const weightTensor = spec.weightInput >= 0 ? this.loaded.model.graph.initializers.get(spec.node.inputs[spec.weightInput])! : null;
    const attrs: Record<string, unknown> = {};
    for (const a of spec.node.attributes) attrs[a.name] = a.ints?.length ? a.ints.map(toNumber) : a.floats?.length ? a.floats : a.s?.length ? Buffer.from(a.s).toString('utf8') : a.f !== undefined && a.type === 1 ? a.f : toNumber(a.i);
    attrs.channelAxis = spec.channelAxis;
    if (spec.biasInput >= 0) attrs.bias = Array.from(tensorAsFloat(this.loaded.model.graph.initializers.get(spec.node.inputs[spec.biasInput])!));
    return {
      input,
      dims: [n, ...sampleDims],
      weight: weightTensor ? tensorAsFloat(weightTensor) : new Float32Array(0),
      weightDims: weightTensor ? weightTensor.dims : [],
      attrs,
    };
  }

  /** Per-channel weight scales of a layer at a bit-width, as the simulator computes them. */
  weightScales(layer: string, bits: number): Float32Array {
    return this.nearestWeight(layer, bits).scales;
  }

  /**
   * Replaces nearest rounding for (layer, bits) with the given integer levels (same layout as the
   * weight, on the per-channel scales of weightScales, channel axis `attrs.channelAxis` of
   * captureLayerInputs; levels in [-2^(bits-1), 2^(bits-1)-1]). Used by every configuration whose
   * `rounding` is not 'nearest'. Not to be called while an evaluation is running.
   */
  setRoundedWeights(layer: string, bits: number, levels: Int32Array): void {
    const spec = this.layerSpec(layer);
    const weight = this.loaded.model.graph.initializers.get(spec.node.inputs[spec.weightInput]);
    if (!weight || levels.length !== elementCount(weight.dims)) {
      throw new BitbenchError('BAD_REQUEST', `Rounded weights for "${layer}" have ${levels.length} values; the weight has ${weight ? elementCount(weight.dims) : 0}.`, 'Pass one integer level per weight element.');
    }
    const qmin = -(2 ** (bits - 1));
    const qmax = 2 ** (bits - 1) - 1;
    for (const v of levels) {
      if (v < qmin || v > qmax) throw new BitbenchError('BAD_REQUEST', `Rounded weights for "${layer}" leave the ${bits}-bit range [${qmin}, ${qmax}] (${v}).`, 'Clip the levels to the bit-width.');
    }
    this.roundedWeights.set(`${layer}:${bits}`, Int32Array.from(levels));
    this.roundingVersion++;
    void this.dropSessions();
  }

  /** Forgets every rounded weight set with setRoundedWeights. */
  clearRoundedWeights(): void {
    this.roundedWeights.clear();
    this.roundingVersion++;
    void this.dropSessions();
  }

  /** Resolves a configuration into its numbers (scales, zero points, integer weights). */
  plan(config: QuantConfig): QuantPlan {
    const parsed = this.validateConfig(config);
    const method = parsed.calibration ?? this.options.calibrationMethod;
    const useRounded = parsed.rounding !== 'nearest';
    const plan: QuantPlan = { activations: [], weights: [] };
    for (const group of this.loaded.info.groups) {
      const pair = parsed.groups[group.id];
      if (!pair) continue;
      if (pair.a !== null) {
        for (const tensor of group.activationQuantizers) {
          const r = this.range(tensor, method, pair.a);
          plan.activations.push({ tensor, ...affineParams(r.lo, r.hi, pair.a) });
        }
      }
      if (pair.w !== null) {
        for (const layer of group.weightQuantizers) {
          const nearest = this.nearestWeight(layer, pair.w);
          const rounded = useRounded ? this.roundedWeights.get(`${layer}:${pair.w}`) : undefined;
          plan.weights.push({ layer, ...nearest, levels: rounded ?? nearest.levels });
        }
      }
    }
    return plan;
  }

  /** Writes the deployable QDQ model of a configuration and its manifest (OUT.manifest.json). */
  async exportQdq(config: QuantConfig, outPath: string): Promise<ExportManifest> {
    const parsed = this.validateConfig(config);
    const built = this.build(parsed);
    const bytes = encodeModel(built.model);
    writeFileSync(outPath, bytes);
    const opCounts: Record<string, number> = {};
    for (const n of built.model.graph.nodes) opCounts[n.opType] = (opCounts[n.opType] ?? 0) + 1;
    const storage = new Set<string>();
    const typeNames: Record<number, string> = { 1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 6: 'int32', 10: 'float16', 22: 'int4' };
    for (const t of built.model.graph.initializers.values()) if (typeNames[t.dataType]) storage.add(typeNames[t.dataType]);
    const notes: string[] = [];
    const lowBits = Object.values(parsed.groups).some((p) => (p.w !== null && p.w < 8) || (p.a !== null && p.a < 8));
    if (lowBits) notes.push(`Bit-widths below 8 are stored in ${Object.values(built.weightStorage).includes('int4') ? 'INT8/UINT8 (MatMul/Gemm weights INT4)' : 'INT8/UINT8'} with only their levels used (activations restricted by a Min on the integer tensor).`);
    if (Object.values(parsed.groups).some((p) => (p.a ?? 0) > 8)) notes.push('Activations wider than 8 bits are written as float fake-quantization on the 16-bit grid: Div, rounding by adding and subtracting 1.5*2^23, Clip, Mul; between convolutions whose channel count is a multiple of 16, three 1x1 depthwise convolutions (multiply by the float32 reciprocal of the scale and shift, clip, unshift, multiply by the scale) that onnxruntime keeps in its blocked NCHWc layout. onnxruntime rewrites UINT16 QuantizeLinear/DequantizeLinear pairs during graph optimization and changes their numbers (measured), so that form would not match the simulation.');
    if (Object.values(parsed.groups).some((p) => (p.w ?? 0) > 8 || (p.w !== null && p.a !== null && p.a > 8))) notes.push('Weights of layers that do not run on 8-bit kernels are stored as float32 constants holding exactly their quantized values.');
    const layers = this.loaded.placement.layers.map((l): ExportedLayer => {
      const group = this.loaded.placement.groupOfLayer.get(l.node.name)!;
      const pair = parsed.groups[group];
      return { name: l.node.name, op: l.node.opType, group, weightBits: l.weightInput >= 0 ? (pair?.w ?? null) : null, activationBits: pair?.a ?? null, format: built.formats[l.node.name], weightStorage: built.weightStorage[l.node.name] };
    });
    notes.push(...describeFormat(this.format, layers));
    const manifest: ExportManifest = {
      model: this.loaded.info.name,
      modelSha256: this.loaded.sha256,
      file: outPath,
      opset: this.format.opset,
      sourceOpset: this.format.sourceOpset,
      lowBitWeights: this.format.lowBitWeights,
      float: this.format.float,
      config: parsed,
      layers,
      opCounts,
      storage: [...storage].sort(),
      notes,
    };
    writeFileSync(outPath.replace(/\.onnx$/i, '') + '.manifest.json', JSON.stringify(manifest, null, 2));
    return manifest;
  }

  async dispose(): Promise<void> {
    await this.dropSessions();
    await this.fp32.release();
  }

  // ---------------------------------------------------------------------------------------------

  private validateConfig(config: QuantConfig): QuantConfig {
    const parsed = QuantConfig.safeParse(config);
    if (!parsed.success) throw new BitbenchError('INVALID_CONFIG', `The configuration is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`, 'Give each group {w, a} with bits 2..16 or null.');
    const known = new Set(this.loaded.info.groups.map((g) => g.id));
    const unknown = Object.keys(parsed.data.groups).filter((g) => !known.has(g));
    if (unknown.length) throw new BitbenchError('INVALID_CONFIG', `The configuration names groups this model does not have: ${unknown.slice(0, 3).join(', ')}${unknown.length > 3 ? ', ...' : ''}.`, 'Take group ids from `bitbench inspect MODEL --json`.');
    return parsed.data;
  }

  private layerSpec(layer: string) {
    const spec = this.loaded.placement.layers.find((l) => l.node.name === layer);
    if (!spec) throw new BitbenchError('NOT_FOUND', `The model has no quantizable layer "${layer}".`, 'Take layer names from `bitbench inspect MODEL --json`.');
    return spec;
  }

  private nearestWeight(layer: string, bits: number): QuantizedWeight {
    const key = `${layer}:${bits}`;
    let q = this.weightCache.get(key);
    if (!q) {
      const spec = this.layerSpec(layer);
      if (spec.weightInput < 0) throw new BitbenchError('BAD_REQUEST', `Layer "${layer}" has no weight.`, 'Only layers with constant weights have weight quantizers.');
      const w = this.loaded.model.graph.initializers.get(spec.node.inputs[spec.weightInput])!;
      q = quantizeWeight(tensorAsFloat(w), w.dims, spec.channelAxis, bits, this.options.weightMethod);
      this.weightCache.set(key, q);
    }
    return q;
  }

  private range(tensor: string, method: CalibrationMethod, bits: number): { lo: number; hi: number } {
    const key = `${tensor}:${method}:${method === 'minmax' || method === 'percentile' ? 0 : bits}`;
    let r = this.rangeCache.get(key);
    if (!r) {
      r = activationRange(this.stats.get(tensor)!, method, bits);
      this.rangeCache.set(key, r);
    }
    return r;
  }

  private build(config: QuantConfig, wideActivations: 'qdq16' | 'fakequant' = 'fakequant'): FormattedModel {
    const plan = this.plan(config);
    return applyExportFormat(buildQdqModel(this.loaded.model, this.loaded.placement.layers, plan, { wideActivations }), this.loaded.placement.layers, plan, this.format);
  }

  private sessionKey(config: QuantConfig): string {
    const groups = Object.keys(config.groups).sort().map((g) => `${g}=${config.groups[g].w}/${config.groups[g].a}`);
    return JSON.stringify([config.calibration ?? this.options.calibrationMethod, config.rounding === 'nearest' ? 'n' : this.roundingVersion, groups]);
  }

  private borrowSession(config: QuantConfig): Promise<ort.InferenceSession> {
    return this.sessions.borrow(this.sessionKey(config), async () => createSession(this.build(config).model, { threads: this.options.threads }));
  }

  private async tapSession(built: QdqBuildResult): Promise<ort.InferenceSession> {
    const extra = Object.values(built.layerOutputs).map((name) => ({ name, elemType: 1, shape: null }));
    const model: Model = { ...built.model, graph: { ...built.model.graph, outputs: [...built.model.graph.outputs, ...extra.filter((e) => e.name !== this.loaded.outputName)] } };
    return createSession(model, { threads: this.options.threads });
  }

  private async fp32TapSession(): Promise<ort.InferenceSession> {
    const extra = this.loaded.placement.layers.map((l) => ({ name: l.node.outputs[0], elemType: 1, shape: null })).filter((e) => e.name !== this.loaded.outputName);
    const model: Model = { ...this.loaded.model, graph: { ...this.loaded.model.graph, outputs: [...this.loaded.model.graph.outputs, ...extra] } };
    return createSession(model, { threads: this.options.threads });
  }

  private async dropSessions(): Promise<void> {
    await this.sessions.clear();
  }

  private async reference(data: Dataset, start: number, count: number, signal: AbortSignal | undefined): Promise<Reference> {
    const key = `${data.sha256}:${start}:${count}`;
    const cached = this.references.get(key);
    if (cached) return cached;
    await this.computeReference(data, start, count, signal, false);
    return this.references.get(key)!;
  }

  private async computeReference(data: Dataset, start: number, count: number, signal: AbortSignal | undefined, countLabels: boolean): Promise<{ correct: number }> {
    const parts: Float32Array[] = [];
    let correct = 0;
    const t0 = performance.now();
    for await (const batch of data.batches({ batchSize: this.options.batchSize, start, count })) {
      throwIfAborted(signal);
      const out = await runFloat(this.fp32, this.loaded.inputName, batch.input, batch.dims);
      const y = (out[this.loaded.outputName] as ort.Tensor).data as Float32Array;
      parts.push(y);
      if (countLabels && batch.labels) correct += countCorrect(y, batch.labels);
    }
    const seconds = (performance.now() - t0) / 1000;
    const outputs = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      outputs.set(p, o);
      o += p.length;
    }
    this.references.set(`${data.sha256}:${start}:${count}`, { outputs, seconds });
    return { correct };
  }
}

/** SHAPE_MISMATCH when the data's sample shape cannot feed the model input. */
function checkDataShape(loaded: LoadedModel, data: Dataset): void {
  const shape = loaded.model.graph.inputs[0].shape;
  if (!shape) return;
  const declared = shape.slice(1);
  const fits = declared.length === data.sampleDims.length && declared.every((d, i) => typeof d !== 'number' || d <= 0 || d === data.sampleDims[i]);
  if (!fits) {
    throw new BitbenchError(
      'SHAPE_MISMATCH',
      `The model input "${loaded.inputName}" expects samples of shape [${declared.join(', ')}], but the dataset "${data.name}" gives [${data.sampleDims.join(', ')}].`,
      'Choose matching data or declare the preprocessing (resize, channels, layout) that produces the model input shape.',
    );
  }
}
