/**
 * Seed 000's AdaRound integration: for every (layer, weight bit-width) a search may use, compute
 * rounded weights once and install them in the simulator, so any configuration stitched from
 * those bit-widths uses them. Inputs are the FP32 model's layer inputs on calibration data,
 * gathered for all layers in one pass; one Gram matrix per layer serves every bit-width.
 */
import type { RoundingMethod } from '../../api/quant.js';
import type { Dataset } from '../data/dataset.js';
import type { Model } from '../onnx/ir.js';
import { throwIfAborted } from '../runtime/abort.js';
import { adaroundRound } from './adaround.js';
import { CholeskyKernel } from './blockedCholesky.js';
import { gptqRound } from './gptq.js';
import { collectLayerStatistics, whyNotRoundable } from './layerGrams.js';
import { ErrorMeter } from './errorMeter.js';
import { nearestLevels } from './reconstruction.js';

/** What applyRounding needs of a simulator (QuantSimulator has it). */
export interface RoundingTarget {
  /** The float model the simulator quantizes (BatchNorm folded): weights and layer inputs come from it. */
  readonly model: Model;
  /** Shapes of the model's tensors for one sample, when known (they spare collectLayerStatistics a run). */
  readonly shapes?: ReadonlyMap<string, { dims: number[] }>;
  weightScales(layer: string, bits: number): Float32Array;
  setRoundedWeights(layer: string, bits: number, levels: Int32Array): void;
}

export interface ApplyRoundingOptions {
  /** Calibration samples whose layer inputs form the Gram matrices (default 512, the simulator's calibration size; GPTQ on MobileNetV2 W4A8 gains 0.3% top-1 from 128 to 512). */
  limit?: number;
  /** AdaRound steps per (layer, bits) (default 1000). */
  iterations?: number;
  signal?: AbortSignal;
  onProgress?: (progress: { done: number; total: number; layer: string; bits: number }) => void;
}

/** What happened to one (layer, bits) pair: plain data for reports and the store. */
export interface RoundingRecord {
  layer: string;
  bits: number;
  method: RoundingMethod;
  /** Layer output error per input vector on the calibration inputs, nearest vs the method's. */
  errorNearest: number;
  errorRounded: number;
  seconds: number;
  /** Why the layer kept nearest rounding, when it did. */
  skipped?: string;
}

/**
 * Computes `method` rounding for every layer in `layers` at every bit-width in `bitsList` and
 * installs it with setRoundedWeights. Layers it cannot round (no constant weight, other ops) keep
 * nearest rounding and are reported as skipped. 'nearest' installs nothing.
 */
export async function applyRounding(
  simulator: RoundingTarget,
  method: RoundingMethod,
  layers: string[],
  bitsList: number[],
  calibration: Dataset,
  options: ApplyRoundingOptions = {},
): Promise<RoundingRecord[]> {
  const records: RoundingRecord[] = [];
  if (method === 'nearest') return records;
  const total = layers.length * bitsList.length;
  let done = 0;
  const skipped = new Map(layers.map((l) => [l, whyNotRoundable(simulator.model, l)] as const).filter(([, why]) => why !== null));
  const stats = await collectLayerStatistics(simulator.model, layers.filter((l) => !skipped.has(l)), calibration, { limit: options.limit ?? 512, signal: options.signal, shapes: simulator.shapes });
  const meter = await ErrorMeter.open();
  const kernel = method === 'gptq' ? await CholeskyKernel.open() : undefined;
  try {
    for (const layer of layers) {
      const why = skipped.get(layer);
      const s = stats.get(layer);
      for (const bits of bitsList) {
        throwIfAborted(options.signal);
        if (why || !s) {
          records.push({ layer, bits, method, errorNearest: NaN, errorRounded: NaN, seconds: 0, skipped: why ?? 'no statistics' });
          options.onProgress?.({ done: ++done, total, layer, bits });
          continue;
        }
        const scales = simulator.weightScales(layer, bits);
        const t0 = performance.now();
        const levels =
          method === 'gptq'
            ? await gptqRound(s.weight, s.weightDims, s.gram, scales, bits, { layout: s.layout, signal: options.signal, cholesky: kernel })
            : await adaroundRound(s.weight, s.weightDims, s.gram, scales, bits, { layout: s.layout, iterations: options.iterations, signal: options.signal });
        const seconds = (performance.now() - t0) / 1000;
        simulator.setRoundedWeights(layer, bits, levels);
        const [errorNearest, errorRounded] = await meter.errors(s.weight, s.weightDims, [nearestLevels(s.weight, s.weightDims, scales, bits, s.layout), levels], scales, s.gram, s.layout);
        records.push({ layer, bits, method, errorNearest, errorRounded, seconds });
        options.onProgress?.({ done: ++done, total, layer, bits });
      }
    }
  } finally {
    await meter.release();
    await kernel?.release();
  }
  return records;
}
