/**
 * Rounding for searches and baselines: before a search runs with `rounding: adaround | gptq`, every
 * layer gets rounded weights for every weight bit-width among the candidates and baselines,
 * installed into the simulator by the engine's applyRounding; the simulator then stitches, per
 * configuration, each layer's weights for its chosen bit-width (seed 000's integration). Fixed
 * baselines use the same rounded weights, so comparisons stay fair. Nearest rounding needs nothing.
 */
import type { BitPair, RoundingMethod } from '../../api/index.js';
import type { Dataset } from '../data/dataset.js';
import { applyRounding, type RoundingRecord } from '../rounding/applyRounding.js';
import type { QuantSimulator } from '../simulate/simulator.js';

/** Distinct weight bit-widths among candidates and baselines, widest first. */
export function weightBitsOf(pairs: readonly BitPair[]): number[] {
  return [...new Set(pairs.map((p) => p.w).filter((w): w is number => w !== null))].sort((a, b) => b - a);
}

/** What rounding preparation did and how long it took. */
export interface RoundingPreparation {
  method: RoundingMethod;
  seconds: number;
  records: RoundingRecord[];
}

/** Rounds every layer with weights at every weight bit-width of `pairs`, installing the results. */
export async function prepareRounding(
  simulator: QuantSimulator,
  method: RoundingMethod,
  pairs: readonly BitPair[],
  calibration: Dataset,
  options: { signal?: AbortSignal; iterations?: number; onProgress?: (done: number, total: number, label: string) => void } = {},
): Promise<RoundingPreparation> {
  const started = performance.now();
  if (method === 'nearest') return { method, seconds: 0, records: [] };
  const layers = simulator.info.layers.filter((l) => l.weightShape.length > 0).map((l) => l.name);
  const records = await applyRounding(simulator, method, layers, weightBitsOf(pairs), calibration, {
    signal: options.signal,
    iterations: options.iterations,
    onProgress: (p) => options.onProgress?.(p.done, p.total, `${method} ${p.layer} at ${p.bits} bits`),
  });
  return { method, seconds: (performance.now() - started) / 1000, records };
}
