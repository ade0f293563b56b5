import { describe, expect, it } from 'vitest';
import { BitbenchError } from '../../api/errors.js';
import { PixelPipeline, resolvePreprocess } from './preprocess.js';
import { resizeBilinear } from './resize.js';

describe('pixel preprocessing', () => {
  it('applies (p*scale - mean)/std per channel in nchw order', () => {
    const pre = resolvePreprocess({ mean: [0.5, 0.25, 0], std: [0.5, 0.25, 2] }, { channels: 'rgb', defaultScale: 1 / 255 });
    const pipe = new PixelPipeline(pre, 1, 2, 3);
    const out = new Float32Array(6);
    pipe.write([255, 0, 51, 0, 255, 102], out, 0);
    expect(Array.from(out)).toEqual([1, -1, -1, 3, 0.1, 0.2].map((v) => expect.closeTo(v, 5)));
  });

  it('converts rgb to gray with BT.601 weights and gray to bgr by replication', () => {
    const gray = new PixelPipeline(resolvePreprocess({ channels: 'gray', scale: 1 }, { channels: 'rgb', defaultScale: 1 }), 1, 1, 3);
    const g = new Float32Array(1);
    gray.write([100, 200, 50], g, 0);
    expect(g[0]).toBeCloseTo(0.299 * 100 + 0.587 * 200 + 0.114 * 50, 4);
    const rep = new PixelPipeline(resolvePreprocess({ channels: 'bgr', layout: 'nhwc', scale: 1 }, { channels: 'gray', defaultScale: 1 }), 1, 2, 1);
    const r = new Float32Array(6);
    rep.write([7, 9], r, 0);
    expect(Array.from(r)).toEqual([7, 7, 7, 9, 9, 9]);
  });

  it('resizes bilinearly with half-pixel centres', () => {
    // 1x2 -> 1x4: centres at -0.25, 0.25, 0.75, 1.25 in source pixels, clamped.
    expect(Array.from(resizeBilinear([0, 100], 1, 2, 1, 1, 4))).toEqual([0, 25, 75, 100]);
    // Downscale 4 -> 2 averages neighbouring pairs.
    expect(Array.from(resizeBilinear([0, 10, 20, 30], 1, 4, 1, 1, 2))).toEqual([5, 25]);
  });

  it('refuses bad declarations with a typed error', () => {
    const bad = (p: object) => () => resolvePreprocess(p, { channels: 'rgb', defaultScale: 1 });
    expect(bad({ scale: 0 })).toThrow(BitbenchError);
    expect(bad({ mean: [1, 2] })).toThrow(/2 values but the model input has 3/);
    expect(bad({ layout: 'chw' })).toThrow(/Unknown layout/);
    expect(bad({ resize: [0, 5] })).toThrow(/Resize must be/);
    expect(bad({ std: [Number.NaN] })).toThrow(/finite/);
  });
});
