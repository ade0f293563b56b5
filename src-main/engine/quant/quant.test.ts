import { describe, expect, it } from 'vitest';
import { affineParams, dequantize, roundHalfEven } from './arithmetic.js';
import { dequantizeWeight, quantizeWeight } from './weights.js';

describe('quantization arithmetic', () => {
  it('rounds half to even like QuantizeLinear', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, -3]);
  });

  it('makes zero exact and spans the range with 2^b levels', () => {
    const p = affineParams(-1, 3, 4);
    expect(p.qmax).toBe(15);
    expect(p.scale).toBeCloseTo(4 / 15, 6);
    expect(dequantize(p.zeroPoint, p.scale, p.zeroPoint)).toBe(0);
    // the integer zero point shifts the ends by at most half a step
    expect(Math.abs(dequantize(0, p.scale, p.zeroPoint) + 1)).toBeLessThanOrEqual(p.scale / 2 + 1e-6);
    // a range that excludes zero is widened to include it
    expect(affineParams(2, 5, 8).zeroPoint).toBe(0);
    expect(affineParams(-5, -2, 8).zeroPoint).toBe(255);
  });
});

describe('weight quantization', () => {
  const dims = [3, 2, 2];
  const w = Float32Array.from([0.1, -0.2, 0.3, -0.4, 1, 2, -3, 4, 0, 0, 0, 0]);

  it('scales each output channel by its own largest magnitude (min-max)', () => {
    const q = quantizeWeight(w, dims, 0, 8, 'minmax');
    expect(Array.from(q.scales)).toEqual([Math.fround(0.4 / 127), Math.fround(4 / 127), 1]);
    expect(q.levels[3]).toBe(-127);
    expect(q.levels[7]).toBe(127);
    const back = dequantizeWeight(q, dims, 0);
    for (let i = 0; i < w.length; i++) expect(Math.abs(back[i] - w[i])).toBeLessThanOrEqual(q.scales[Math.floor(i / 4)] / 2 + 1e-7);
  });

  it('keeps levels inside the b-bit range and per-channel along another axis', () => {
    const q = quantizeWeight(w, [2, 6], 1, 3, 'minmax');
    expect(q.scales).toHaveLength(6);
    for (const v of q.levels) expect(v >= -4 && v <= 3).toBe(true);
  });

  it('MSE clipping never has more error than min-max', () => {
    const heavy = Float32Array.from({ length: 256 }, (_, i) => Math.tan((i / 256 - 0.5) * 3));
    const err = (m: 'mse' | 'minmax'): number => {
      const back = dequantizeWeight(quantizeWeight(heavy, [1, 256], 0, 4, m), [1, 256], 0);
      return heavy.reduce((s, v, i) => s + (v - back[i]) ** 2, 0);
    };
    expect(err('mse')).toBeLessThan(err('minmax') * 0.9);
  });
});

describe('auto weight clipping', () => {
  it('uses MSE clipping at 4 bits and above, min-max below', async () => {
    const { effectiveWeightMethod, quantizeWeight } = await import('./weights.js');
    expect(effectiveWeightMethod('auto', 8)).toBe('mse');
    expect(effectiveWeightMethod('auto', 4)).toBe('mse');
    expect(effectiveWeightMethod('auto', 3)).toBe('minmax');
    expect(effectiveWeightMethod('mse', 3)).toBe('mse');
    // One channel with an outlier: min-max keeps the outlier representable, MSE clips it.
    const w = new Float32Array([1, 0.1, -0.12, 0.08, 0.05, -0.07, 0.11, -0.09]);
    const auto3 = quantizeWeight(w, [1, 8], 0, 3, 'auto');
    const minmax3 = quantizeWeight(w, [1, 8], 0, 3, 'minmax');
    expect(auto3.scales[0]).toBe(minmax3.scales[0]);
    const auto4 = quantizeWeight(w, [1, 8], 0, 4, 'auto');
    const mse4 = quantizeWeight(w, [1, 8], 0, 4, 'mse');
    expect(auto4.scales[0]).toBe(mse4.scales[0]);
  });
});
