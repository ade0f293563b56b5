import { describe, expect, it } from 'vitest';
import { type ActivationStats, HISTOGRAM_BINS } from './activationStats.js';
import { activationRange } from './ranges.js';

/** Stats of values drawn from a ReLU-like distribution with a few far outliers. */
function reluWithOutliers(): ActivationStats {
  const values: number[] = [];
  for (let i = 0; i < 20000; i++) values.push(Math.max(0, Math.sin(i * 12.9898) * 2));
  values.push(40, 45, 50);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const histogram = new Float64Array(HISTOGRAM_BINS);
  for (const v of values) histogram[Math.min(HISTOGRAM_BINS - 1, Math.floor(((v - min) / (max - min)) * HISTOGRAM_BINS))]++;
  const samples = Array.from({ length: 16 }, (_, k) => Float32Array.from(values.slice(k * 1000, (k + 1) * 1000)));
  samples[0][0] = 50;
  return { min, max, histogram, samples };
}

describe('activation ranges', () => {
  const s = reluWithOutliers();

  it('min-max keeps the outliers; the other methods clip them', () => {
    expect(activationRange(s, 'minmax', 8)).toEqual({ lo: 0, hi: 50 });
    for (const method of ['percentile', 'mse', 'cosine'] as const) {
      const r = activationRange(s, method, 4);
      expect(r.lo).toBe(0);
      expect(r.hi).toBeLessThan(50);
      expect(r.hi).toBeGreaterThan(1);
    }
  });

  it('clips harder at fewer bits (MSE)', () => {
    expect(activationRange(s, 'mse', 3).hi).toBeLessThanOrEqual(activationRange(s, 'mse', 8).hi);
  });
});
