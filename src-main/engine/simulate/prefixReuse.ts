/**
 * Prefix reuse, the evaluation part. Phase 1 evaluates many configurations that each differ from
 * one base configuration (every group at the top candidate) in a single group, on the same
 * calibration images. Everything upstream of that group is the base network, the same in every
 * one of them, so its outputs at the cut (suffixGraph.ts) are computed once per image by a prefix
 * pass and kept; each evaluation then runs only its suffix graph on them. The results are the
 * simulator's own: same batches, same reference, same SQNR and accuracy sums, and the suffix
 * computes bit for bit what the whole QDQ graph computes (tested on the reference models).
 *
 * Memory is bounded: the kept tensors of all images never exceed `memoryBytes`. A prefix pass
 * keeps a window of level tensors starting at the cut it was asked for and reaching as far
 * downstream as the budget allows (phase 1 walks the groups in network order, so one pass serves
 * many groups); a configuration whose own cut does not fit, or that the cut cannot express, is
 * evaluated whole by the simulator, so nothing fails for lack of memory, it only saves less.
 */
import * as ort from 'onnxruntime-node';
import type { QuantConfig } from '../../api/quant.js';
import type { Dataset } from '../data/dataset.js';
import { SqnrAccumulator, countCorrect } from '../evaluate/metrics.js';
import type { Model, ValueInfo } from '../onnx/ir.js';
import { DataType } from '../onnx/schema.js';
import { throwIfAborted } from '../runtime/abort.js';
import { createSession } from '../runtime/session.js';
import type { EvaluationResult, QuantSimulator } from './simulator.js';
import { levelElemType, levelTensors, prefixModel, splitAtFirstChange, suffixModel, type SuffixSplit } from './suffixGraph.js';

/** Default bound on the kept prefix outputs (all images, all kept tensors). */
export const DEFAULT_PREFIX_MEMORY = 256 * 1024 * 1024;

export interface PrefixReuseOptions {
  /** Samples of `data` evaluated (from the first); default all. */
  limit?: number;
  /** Bound on the kept prefix outputs, bytes; default 256 MiB. */
  memoryBytes?: number;
  signal?: AbortSignal;
}

/** What prefix reuse did: how many evaluations ran as suffixes, how many whole, and its passes. */
export interface PrefixReuseStats {
  suffixEvaluations: number;
  /** Evaluations run whole (cut too large for the memory bound, or not expressible as a cut). */
  fullEvaluations: number;
  /** Evaluations whose QDQ graph was the base's own (answered with the base's result). */
  identicalToBase: number;
  prefixPasses: number;
  /** Largest amount of kept prefix outputs at any time, bytes. */
  peakBytes: number;
  /** Mean share of the variant graph's nodes the suffixes ran. */
  meanSuffixShare: number;
}

interface CachedBatch {
  input: Float32Array;
  dims: number[];
  labels: Int32Array | null;
  /** Kept level tensors of this batch. */
  tensors: Map<string, ort.Tensor>;
}

const ORT_TYPES: Record<number, ort.Tensor.Type> = { [DataType.FLOAT]: 'float32', [DataType.UINT8]: 'uint8', [DataType.INT8]: 'int8', [DataType.UINT16]: 'uint16' };
const BYTES: Record<number, number> = { [DataType.FLOAT]: 4, [DataType.UINT8]: 1, [DataType.INT8]: 1, [DataType.UINT16]: 2 };

/** Evaluates configurations near one base configuration by re-running only what differs. */
export class PrefixReuse {
  readonly stats: PrefixReuseStats = { suffixEvaluations: 0, fullEvaluations: 0, identicalToBase: 0, prefixPasses: 0, peakBytes: 0, meanSuffixShare: 0 };
  private baseResult: Promise<EvaluationResult> | undefined;
  private readonly batches: CachedBatch[] = [];
  private readonly kept = new Set<string>();
  private suffixShareSum = 0;

  private constructor(
    private readonly simulator: QuantSimulator,
    private readonly baseConfig: QuantConfig,
    private readonly data: Dataset,
    private readonly count: number,
    private readonly base: Model,
    /** Level tensors of the base model in network order, with type, per-sample shape and bytes. */
    private readonly levels: { info: ValueInfo; sampleBytes: number }[],
    private readonly memoryBytes: number,
  ) {}

  /**
   * Prepares reuse around `base` on the first `limit` samples of `data`: reads the batches once
   * and measures the size of every level tensor on one sample (nothing is kept yet).
   */
  static async open(simulator: QuantSimulator, base: QuantConfig, data: Dataset, options: PrefixReuseOptions = {}): Promise<PrefixReuse> {
    const { batchSize, threads, inputName } = simulator.runSettings;
    const count = Math.min(options.limit ?? data.size, data.size);
    const model = simulator.qdqModel(base);
    const names = levelTensors(model);
    const typed: ValueInfo[] = names.map((name) => ({ name, elemType: levelElemType(model, name), shape: null }));
    const levels: { info: ValueInfo; sampleBytes: number }[] = [];
    const reuse = new PrefixReuse(simulator, base, data, count, model, levels, options.memoryBytes ?? DEFAULT_PREFIX_MEMORY);
    for await (const batch of data.batches({ batchSize, start: 0, count })) {
      throwIfAborted(options.signal);
      reuse.batches.push({ input: batch.input, dims: batch.dims, labels: batch.labels, tensors: new Map() });
    }
    if (typed.length > 0 && reuse.batches.length > 0) {
      const probe = await createSession(prefixModel(model, typed), { threads });
      try {
        // The suffix must know exactly as much about a cut tensor's shape as onnxruntime inferred
        // for it in the whole graph, no more: some fusions (Add + LayerNormalization into
        // SkipLayerNormalization) fire only on known shapes and change the numbers. The prefix
        // graph infers the same shapes as the whole one (inference runs forward), and onnxruntime
        // reports them as the outputs' metadata ('' for an unknown dimension).
        const inferred = new Map(probe.outputMetadata.map((m) => [m.name, m.isTensor ? m.shape : []]));
        const first = reuse.batches[0];
        const sample = first.input.subarray(0, first.input.length / first.dims[0]);
        // One sample through the base graph gives every level tensor's size per sample.
        const out = await probe.run({ [inputName]: new ort.Tensor('float32', sample, [1, ...first.dims.slice(1)]) });
        for (const info of typed) {
          const value = out[info.name] as ort.Tensor;
          const shape = inferred.get(info.name) ?? [];
          levels.push({ info: { ...info, shape: shape.length === value.dims.length ? [...shape] : null }, sampleBytes: value.data.length * (BYTES[info.elemType] ?? 4) });
        }
      } finally {
        await probe.release();
      }
    }
    return reuse;
  }

  /** Evaluates `config` exactly as `simulator.evaluate(config, data, { limit })` would. */
  async evaluate(config: QuantConfig, signal?: AbortSignal): Promise<EvaluationResult> {
    const t0 = performance.now();
    const reference = await this.simulator.referenceOutputs(this.data, 0, this.count, signal);
    const sqnr = new SqnrAccumulator();
    let correct = 0;
    let offset = 0;
    const variant = this.simulator.qdqModel(config);
    const split = splitAtFirstChange(this.base, variant);
    if (!split) {
      // The same graph as the base (a group without weights "lowered" only in its weight bits):
      // the same numbers, measured once.
      this.baseResult ??= this.simulator.evaluate(this.baseConfig, this.data, { limit: this.count, signal });
      this.baseResult.catch(() => (this.baseResult = undefined));
      const result = await this.baseResult;
      this.stats.identicalToBase++;
      return { ...result, seconds: (performance.now() - t0) / 1000 };
    }
    const ran = await this.runSuffix(variant, split, signal, (batch, y) => {
      const n = batch.dims[0];
      sqnr.add(reference, y, offset * (y.length / n));
      if (batch.labels) correct += countCorrect(y, batch.labels);
      offset += n;
    });
    if (!ran) {
      this.stats.fullEvaluations++;
      return this.simulator.evaluate(config, this.data, { limit: this.count, signal });
    }
    return { sqnrDb: sqnr.db, accuracy: this.data.hasLabels ? correct / this.count : null, samples: this.count, seconds: (performance.now() - t0) / 1000 };
  }

  /**
   * The network outputs of `config` on the samples, computed by its suffix (all batches, one
   * array), or null when it cannot run as a suffix. For tests that compare it with the whole graph.
   */
  async suffixOutputs(config: QuantConfig, signal?: AbortSignal): Promise<Float32Array | null> {
    const parts: Float32Array[] = [];
    const variant = this.simulator.qdqModel(config);
    const split = splitAtFirstChange(this.base, variant);
    const ran = split !== null && (await this.runSuffix(variant, split, signal, (_batch, y) => parts.push(y.slice())));
    if (!ran) return null;
    const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  /** Drops every kept tensor. */
  close(): void {
    for (const b of this.batches) b.tensors.clear();
    this.batches.length = 0;
    this.kept.clear();
  }

  // -----------------------------------------------------------------------------------------------

  /** Runs the suffix of `config` over every batch; false when it has to be evaluated whole. */
  private async runSuffix(variant: Model, split: SuffixSplit, signal: AbortSignal | undefined, visit: (batch: CachedBatch, y: Float32Array) => void): Promise<boolean> {
    const { threads, inputName, outputName } = this.simulator.runSettings;
    const outputProduced = split.nodes.some((n) => n.outputs.includes(outputName));
    const levelOf = new Map(this.levels.map((l, i) => [l.info.name, i]));
    const cuts = split.cuts.filter((c) => c !== inputName);
    if (!outputProduced || cuts.some((c) => !levelOf.has(c)) || !(await this.keep(cuts, signal))) return false;

    const cutInfo = new Map<string, ValueInfo>(this.levels.map((l) => [l.info.name, l.info]));
    const input = this.base.graph.inputs.find((i) => i.name === inputName);
    if (input) cutInfo.set(inputName, input);
    const session = await createSession(suffixModel(variant, split, cutInfo), { threads });
    try {
      for (const batch of this.batches) {
        throwIfAborted(signal);
        const feeds: Record<string, ort.Tensor> = {};
        for (const c of split.cuts) feeds[c] = c === inputName ? new ort.Tensor('float32', batch.input, batch.dims) : batch.tensors.get(c)!;
        const out = await session.run(feeds, [outputName]);
        visit(batch, (out[outputName] as ort.Tensor).data as Float32Array);
      }
    } finally {
      await session.release();
    }
    this.stats.suffixEvaluations++;
    this.suffixShareSum += split.nodes.length / variant.graph.nodes.length;
    this.stats.meanSuffixShare = this.suffixShareSum / this.stats.suffixEvaluations;
    return true;
  }

  private bytes(index: number): number {
    return this.levels[index].sampleBytes * this.count;
  }

  /**
   * Makes sure `cuts` are kept, running a prefix pass when they are not: the pass keeps them plus
   * the level tensors after the first of them, in network order, while the budget allows. False
   * when the cuts alone exceed the budget.
   */
  private async keep(cuts: readonly string[], signal?: AbortSignal): Promise<boolean> {
    if (cuts.every((c) => this.kept.has(c))) return true;
    const index = new Map(this.levels.map((l, i) => [l.info.name, i]));
    const wanted = cuts.map((c) => index.get(c)!);
    let budget = this.memoryBytes - wanted.reduce((s, i) => s + this.bytes(i), 0);
    if (budget < 0) return false;
    const window = new Set(wanted);
    for (let i = Math.min(...wanted); i < this.levels.length; i++) {
      if (window.has(i) || this.bytes(i) > budget) continue;
      window.add(i);
      budget -= this.bytes(i);
    }
    const outputs = [...window].sort((a, b) => a - b).map((i) => this.levels[i].info);
    for (const b of this.batches) b.tensors.clear();
    this.kept.clear();
    const { threads, inputName } = this.simulator.runSettings;
    const session = await createSession(prefixModel(this.base, outputs), { threads });
    try {
      for (const batch of this.batches) {
        throwIfAborted(signal);
        const out = await session.run({ [inputName]: new ort.Tensor('float32', batch.input, batch.dims) });
        for (const o of outputs) {
          const value = out[o.name] as ort.Tensor;
          // Copied: the kept data must not alias a buffer onnxruntime may hand out again.
          batch.tensors.set(o.name, new ort.Tensor(ORT_TYPES[o.elemType] ?? 'float32', value.data.slice() as Float32Array, value.dims));
        }
      }
    } catch (error) {
      for (const b of this.batches) b.tensors.clear();
      throw error;
    } finally {
      await session.release();
    }
    for (const o of outputs) this.kept.add(o.name);
    this.stats.prefixPasses++;
    this.stats.peakBytes = Math.max(this.stats.peakBytes, outputs.reduce((s, o) => s + this.bytes(index.get(o.name)!), 0));
    return true;
  }
}
