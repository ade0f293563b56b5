/**
 * Bit-width candidates: parsing the CLI's "W4A8,W8A8,W8A16", ordering them from the most to the
 * least precise, and building configurations from them.
 */
import { BitbenchError, formatBitPair, parseBitPair, type BitPair, type ModelInfo, type QuantConfig } from '../../api/index.js';
import type { Assignment } from './types.js';

/** Bits as a number for ordering and cost arithmetic: float counts as 32. */
export function effectiveBits(bits: number | null | undefined): number {
  return bits === null || bits === undefined ? 32 : bits;
}

/**
 * Parses a comma-separated candidate list; throws INVALID_CONFIG naming the bad entry. Duplicates
 * are dropped; the result is ordered most precise first (see `compareCandidates`).
 */
export function parseCandidates(text: string): BitPair[] {
  const pairs: BitPair[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s.length > 0)) {
    const pair = parseBitPair(part);
    if (!pair) {
      throw new BitbenchError('INVALID_CONFIG', `"${part}" is not a bit-width candidate.`, 'Write candidates like W8A8, W4A8, W8A16, W4 (float activations) or FP32, separated by commas.');
    }
    pairs.push(pair);
  }
  return sortCandidates(pairs);
}

/**
 * Orders candidates from the most to the least precise: by weight x activation bits (what a
 * multiply costs), then weight bits, then activation bits. Duplicates are removed.
 */
export function sortCandidates(pairs: readonly BitPair[]): BitPair[] {
  const seen = new Set<string>();
  const unique: BitPair[] = [];
  for (const pair of pairs) {
    const key = formatBitPair(pair);
    if (!seen.has(key)) {
      seen.add(key);
      unique.push(pair);
    }
  }
  return unique.sort(compareCandidates);
}

/** Comparator: negative when `a` is more precise than `b`. */
export function compareCandidates(a: BitPair, b: BitPair): number {
  const product = effectiveBits(b.w) * effectiveBits(b.a) - effectiveBits(a.w) * effectiveBits(a.a);
  if (product !== 0) return product;
  const weights = effectiveBits(b.w) - effectiveBits(a.w);
  if (weights !== 0) return weights;
  return effectiveBits(b.a) - effectiveBits(a.a);
}

/** The configuration with every quantizer group of the model at one candidate. */
export function uniformAssignment(info: ModelInfo, pair: BitPair): Assignment {
  const groups: Assignment = {};
  for (const group of info.groups) groups[group.id] = { ...pair };
  return groups;
}

/** Wraps an assignment into a QuantConfig with the search's rounding and calibration choices. */
export function toConfig(groups: Assignment, extras: Pick<QuantConfig, 'rounding' | 'calibration'> = {}): QuantConfig {
  const config: QuantConfig = { groups };
  if (extras.calibration !== undefined) config.calibration = extras.calibration;
  if (extras.rounding !== undefined) config.rounding = extras.rounding;
  return config;
}

/** Requires at least one candidate and a model with quantizer groups. */
export function assertSearchable(info: ModelInfo, candidates: readonly BitPair[]): void {
  if (candidates.length === 0) {
    throw new BitbenchError('INVALID_CONFIG', 'No bit-width candidates were given.', 'Pass --candidates, for example W4A8,W8A8,W8A16.');
  }
  if (info.groups.length === 0) {
    throw new BitbenchError('INVALID_CONFIG', `Model ${info.name} has no quantizable layers.`, 'Mixed precision needs Conv, Gemm or MatMul layers to quantize.');
  }
}
