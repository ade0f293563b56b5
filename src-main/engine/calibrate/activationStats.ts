/**
 * Activation statistics on calibration data, gathered in two streaming passes of the FP32 model with
 * every quantized activation exposed as an output: (1) min/max and a few whole samples (for the
 * per-sample cosine criterion), (2) a histogram over [min, max]. Plain data; ranges.ts turns it into
 * clipping ranges for any method and bit-width.
 */
import type * as ort from 'onnxruntime-node';
import { BitbenchError } from '../../api/errors.js';
import type { Dataset } from '../data/dataset.js';
import type { Model } from '../onnx/ir.js';
import { createSession, runFloat } from '../runtime/session.js';
import { throwIfAborted } from '../runtime/abort.js';

export const HISTOGRAM_BINS = 2048;
/** Whole samples kept per tensor for the cosine criterion (seed 001 eq. 6 averages over samples). */
export const KEPT_SAMPLES = 16;
/** ...but at most this many values per tensor, so large feature maps do not exhaust memory. */
export const KEPT_VALUES = 1 << 20;

export interface ActivationStats {
  min: number;
  max: number;
  /** Counts over [min, max] in HISTOGRAM_BINS equal bins. */
  histogram: Float64Array;
  /** The first samples' values (one array per sample; KEPT_SAMPLES, fewer for large tensors). */
  samples: Float32Array[];
}

export interface StatsOptions {
  limit: number;
  batchSize?: number;
  threads?: number;
  signal?: AbortSignal;
}

/** Collects statistics of `tensors` of `model` over the first `limit` calibration samples. */
export async function collectActivationStats(model: Model, tensors: string[], data: Dataset, options: StatsOptions): Promise<Map<string, ActivationStats>> {
  const inputName = model.graph.inputs[0].name;
  const exposed = tensors.filter((t) => t !== inputName);
  const probe: Model = { ...model, graph: { ...model.graph, outputs: exposed.map((name) => ({ name, elemType: 1, shape: null })) } };
  const session = await createSession(probe, { threads: options.threads });
  const batchSize = options.batchSize ?? 128;
  const count = Math.min(options.limit, data.size);
  if (count <= 0) throw new BitbenchError('INVALID_DATASET', `The calibration dataset "${data.name}" is empty.`, 'Choose a calibration dataset with at least one sample.');
  const stats = new Map<string, ActivationStats>(tensors.map((t) => [t, { min: Infinity, max: -Infinity, histogram: new Float64Array(HISTOGRAM_BINS), samples: [] }]));
  const valuesOf = async (batch: { input: Float32Array; dims: number[] }): Promise<Map<string, Float32Array>> => {
    const out = exposed.length ? await runFloat(session, inputName, batch.input, batch.dims, exposed) : {};
    const map = new Map<string, Float32Array>();
    for (const t of exposed) map.set(t, (out[t] as ort.Tensor).data as Float32Array);
    if (tensors.includes(inputName)) map.set(inputName, batch.input);
    return map;
  };
  try {
    for await (const batch of data.batches({ batchSize, count })) {
      throwIfAborted(options.signal);
      const n = batch.dims[0];
      for (const [t, values] of await valuesOf(batch)) {
        const s = stats.get(t)!;
        let lo = s.min;
        let hi = s.max;
        for (let i = 0; i < values.length; i++) {
          const v = values[i];
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        s.min = lo;
        s.max = hi;
        const per = values.length / n;
        const keep = Math.max(1, Math.min(KEPT_SAMPLES, Math.floor(KEPT_VALUES / per)));
        for (let k = 0; k < n && s.samples.length < keep; k++) s.samples.push(values.slice(k * per, (k + 1) * per));
      }
    }
    for await (const batch of data.batches({ batchSize, count })) {
      throwIfAborted(options.signal);
      for (const [t, values] of await valuesOf(batch)) {
        const s = stats.get(t)!;
        const width = (s.max - s.min) / HISTOGRAM_BINS;
        if (!(width > 0)) {
          s.histogram[0] += values.length;
          continue;
        }
        const h = s.histogram;
        for (let i = 0; i < values.length; i++) {
          const b = Math.floor((values[i] - s.min) / width);
          h[b >= HISTOGRAM_BINS ? HISTOGRAM_BINS - 1 : b]++;
        }
      }
    }
  } finally {
    await session.release();
  }
  return stats;
}
