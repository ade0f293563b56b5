import { describe, expect, it } from 'vitest';
import { pyramidPool } from './pyramidPool.js';

describe('pyramidPool', () => {
  it('pools a feature map adaptively at each scale', () => {
    // One sample, one channel, 3x3 values 1..9.
    const data = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const [d1, d2] = pyramidPool([1, 1, 3, 3], data, [1, 2]);
    expect(Array.from(d1.data)).toEqual([5]);
    // Adaptive bins over 3 at 2: rows/cols [0,2) and [1,3) (overlapping, like PyTorch).
    expect(Array.from(d2.data)).toEqual([3, 4, 6, 7]);
    expect(d2.width).toBe(4);
  });

  it('keeps samples and channels apart', () => {
    const data = Float32Array.from([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4]);
    const [d1] = pyramidPool([2, 2, 2, 2], data, [1]);
    expect(Array.from(d1.data)).toEqual([1, 2, 3, 4]);
  });

  it('pools token sequences along the tokens and leaves flat outputs alone', () => {
    // One sample, 4 tokens, 2 dims: token t has dims (t, 10t).
    const data = Float32Array.from([0, 0, 1, 10, 2, 20, 3, 30]);
    const [d1, d2] = pyramidPool([1, 4, 2], data, [1, 2]);
    expect(Array.from(d1.data)).toEqual([1.5, 15]);
    expect(Array.from(d2.data)).toEqual([0.5, 2.5, 5, 25]);
    const flat = pyramidPool([2, 3], Float32Array.from([1, 2, 3, 4, 5, 6]), [1, 2, 4]);
    expect(flat).toHaveLength(1);
    expect(flat[0].width).toBe(3);
  });
});
