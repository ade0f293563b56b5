/**
 * Activation clipping ranges from statistics, by method:
 *   minmax      the observed range;
 *   percentile  the 0.01% and 99.99% quantiles of the histogram (one-sided for non-negative tensors);
 *   mse         the range (observed range scaled by a ratio) whose quantization error over the
 *               histogram is smallest at the given bit-width;
 *   cosine      the range maximizing the mean per-sample cosine similarity between r and its
 *               quantized value r' (seed 001 eq. 6-7, EasyQuant), on the kept samples.
 * Ranges always contain 0 (see affineParams).
 */
import type { CalibrationMethod } from '../../api/quant.js';
import { affineParams, roundHalfEven } from '../quant/arithmetic.js';
import { type ActivationStats, HISTOGRAM_BINS } from './activationStats.js';

export interface Range {
  lo: number;
  hi: number;
}

const PERCENTILE = 0.9999;
const RATIOS = Array.from({ length: 40 }, (_, k) => 1 - k * 0.02);

function fakeQuant(v: number, scale: number, zeroPoint: number, qmax: number): number {
  const q = Math.min(qmax, Math.max(0, roundHalfEven(v / scale) + zeroPoint));
  return (q - zeroPoint) * scale;
}

function quantile(s: ActivationStats, p: number): number {
  const total = s.histogram.reduce((a, b) => a + b, 0);
  const target = p * total;
  const width = (s.max - s.min) / HISTOGRAM_BINS;
  let acc = 0;
  for (let b = 0; b < HISTOGRAM_BINS; b++) {
    acc += s.histogram[b];
    if (acc >= target) return s.min + (b + 1) * width;
  }
  return s.max;
}

function candidates(s: ActivationStats): Range[] {
  const lo = Math.min(0, s.min);
  const hi = Math.max(0, s.max);
  return RATIOS.map((r) => ({ lo: lo * r, hi: hi * r }));
}

function histogramMse(s: ActivationStats, range: Range, bits: number): number {
  const p = affineParams(range.lo, range.hi, bits);
  const width = (s.max - s.min) / HISTOGRAM_BINS;
  let err = 0;
  for (let b = 0; b < HISTOGRAM_BINS; b++) {
    const n = s.histogram[b];
    if (n === 0) continue;
    const v = s.min + (b + 0.5) * width;
    const d = v - fakeQuant(v, p.scale, p.zeroPoint, p.qmax);
    err += n * d * d;
  }
  return err;
}

function meanCosine(s: ActivationStats, range: Range, bits: number): number {
  const p = affineParams(range.lo, range.hi, bits);
  let sum = 0;
  for (const x of s.samples) {
    let dot = 0;
    let nx = 0;
    let nq = 0;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      const q = fakeQuant(v, p.scale, p.zeroPoint, p.qmax);
      dot += v * q;
      nx += v * v;
      nq += q * q;
    }
    sum += nx > 0 && nq > 0 ? dot / Math.sqrt(nx * nq) : nx === nq ? 1 : 0;
  }
  return s.samples.length ? sum / s.samples.length : 0;
}

/** The clipping range of one activation for a method and bit-width. */
export function activationRange(s: ActivationStats, method: CalibrationMethod, bits: number): Range {
  if (!(s.max > s.min)) return { lo: Math.min(0, s.min), hi: Math.max(0, s.max) };
  switch (method) {
    case 'minmax':
      return { lo: Math.min(0, s.min), hi: Math.max(0, s.max) };
    case 'percentile':
      return { lo: s.min < 0 ? Math.min(0, quantile(s, 1 - PERCENTILE)) : 0, hi: Math.max(0, quantile(s, PERCENTILE)) };
    case 'mse': {
      let best = candidates(s)[0];
      let bestErr = Infinity;
      for (const c of candidates(s)) {
        const e = histogramMse(s, c, bits);
        if (e < bestErr) [best, bestErr] = [c, e];
      }
      return best;
    }
    case 'cosine': {
      let best = candidates(s)[0];
      let bestCos = -Infinity;
      for (const c of candidates(s)) {
        const cos = meanCosine(s, c, bits);
        if (cos > bestCos) [best, bestCos] = [c, cos];
      }
      return best;
    }
  }
}
