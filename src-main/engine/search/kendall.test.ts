import { describe, expect, it } from 'vitest';
import { kendallTau } from './kendall.js';

describe('kendallTau', () => {
  it('is 1 for the same order and -1 for the reverse', () => {
    expect(kendallTau([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(kendallTau([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
  });

  it('matches a hand-computed tau-b with ties', () => {
    // Pairs: (1,2)C (1,3)C (1,4)C (2,3) tie in y (2,4)C (3,4)C -> C=5, D=0, tiesY=1, tiesX=0.
    expect(kendallTau([1, 2, 3, 4], [1, 2, 2, 3])).toBeCloseTo(5 / Math.sqrt(5 * 6), 12);
    // One swapped pair out of six: (6 - 1 - 1) / 6.
    expect(kendallTau([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(4 / 6, 12);
  });

  it('is NaN when a side is constant', () => {
    expect(kendallTau([1, 1, 1], [1, 2, 3])).toBeNaN();
  });
});
