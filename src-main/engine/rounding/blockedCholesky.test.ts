import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCKED_FROM, CholeskyKernel } from './blockedCholesky.js';
import { cholesky } from './cholesky.js';

/** A random SPD matrix B B^T / n + I (well conditioned, entries of order 1). */
function spd(n: number, seed: number): Float64Array {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const b = Float64Array.from({ length: n * n }, rand);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
    let x = i === j ? 1 : 0;
    for (let k = 0; k < n; k++) x += (b[i * n + k] * b[j * n + k]) / n;
    a[i * n + j] = x;
    a[j * n + i] = x;
  }
  return a;
}

describe('CholeskyKernel', () => {
  let kernel: CholeskyKernel;
  beforeAll(async () => {
    kernel = await CholeskyKernel.open();
  });
  afterAll(async () => kernel?.release());

  // 300: three full blocks and a partial one; 576: ResNet-20's largest layers; 100: the JS loops.
  for (const n of [100, 300, 576]) {
    it(`factors a ${n} x ${n} matrix as the JS loops do (to rounding)`, async () => {
      const a = spd(n, n);
      const expected = cholesky(a, n);
      const got = await kernel.factor(a, n);
      let worst = 0;
      for (let i = 0; i < n * n; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
      expect(worst).toBeLessThan(1e-12);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(got[i * n + j]).toBe(0);
      if (n < BLOCKED_FROM) expect(Array.from(got)).toEqual(Array.from(expected));
    });
  }

  it('refuses a matrix that is not positive definite, in a later block', async () => {
    const n = 300;
    const a = spd(n, 5);
    a[250 * n + 250] = -1;
    await expect(kernel.factor(a, n)).rejects.toThrow(/not positive definite/);
  });
});
