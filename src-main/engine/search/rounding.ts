/**
 * Rounding for searches and baselines: before a search runs with `rounding: adaround | gptq`, every
 * layer gets rounded weights for every weight bit-width among the candidates, installed into the
 * simulator; the simulator then stitches, per configuration, each layer's weights for its chosen
 * bit-width (seed 000's integration). Nearest rounding needs nothing.
 *
 * The rounding algorithms live in engine/rounding; this module only decides what to round and
 * reports progress. `RoundingProvider` is the seam: the engine's implementation is passed in.
 */
import { BitbenchError, type BitPair, type RoundingMethod } from '../../api/index.js';

/** Rounds one layer at one bit-width and installs the result into the simulator. */
export type RoundingProvider = (method: Exclude<RoundingMethod, 'nearest'>, layer: string, bits: number, signal?: AbortSignal) => Promise<void>;

/** Distinct weight bit-widths among candidates and baselines. */
export function weightBitsOf(pairs: readonly BitPair[]): number[] {
  return [...new Set(pairs.map((p) => p.w).filter((w): w is number => w !== null))].sort((a, b) => b - a);
}

/**
 * Installs rounded weights for every (layer, bits); returns the seconds it took. Throws
 * INVALID_CONFIG when a non-nearest method is asked for and no provider is available.
 */
export async function prepareRounding(method: RoundingMethod, layers: readonly string[], bits: readonly number[], provider: RoundingProvider | undefined, onStep?: (done: number, total: number, label: string) => void, signal?: AbortSignal): Promise<number> {
  if (method === 'nearest') return 0;
  if (!provider) {
    throw new BitbenchError('INVALID_CONFIG', `Rounding "${method}" is not available in this build.`, 'Use --rounding nearest.');
  }
  const started = performance.now();
  const total = layers.length * bits.length;
  let done = 0;
  for (const b of bits) {
    for (const layer of layers) {
      await provider(method, layer, b, signal);
      done++;
      onStep?.(done, total, `${method} ${layer} at ${b} bits`);
    }
  }
  return (performance.now() - started) / 1000;
}
