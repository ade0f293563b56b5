import { describe, expect, it } from 'vitest';
import { cholesky, invertLower, upperCholeskyOfInverse } from './cholesky.js';

/** A random SPD matrix B B^T + n I. */
function spd(n: number, seed: number): Float64Array {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const b = Float64Array.from({ length: n * n }, rand);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let x = i === j ? n : 0;
    for (let k = 0; k < n; k++) x += b[i * n + k] * b[j * n + k];
    a[i * n + j] = x;
  }
  return a;
}

function matmul(a: Float64Array, b: Float64Array, n: number, transA = false): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let x = 0;
    for (let k = 0; k < n; k++) x += (transA ? a[k * n + i] : a[i * n + k]) * b[k * n + j];
    c[i * n + j] = x;
  }
  return c;
}

describe('cholesky', () => {
  const n = 23;
  const a = spd(n, 7);

  it('factors A = L L^T with L lower', () => {
    const l = cholesky(a, n);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(l[i * n + j]).toBe(0);
    const back = matmul(l, Float64Array.from({ length: n * n }, (_, k) => l[(k % n) * n + Math.floor(k / n)]), n);
    for (let k = 0; k < n * n; k++) expect(back[k]).toBeCloseTo(a[k], 8);
  });

  it('inverts lower-triangular matrices', () => {
    const l = cholesky(a, n);
    const prod = matmul(invertLower(l, n), l, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(prod[i * n + j]).toBeCloseTo(i === j ? 1 : 0, 10);
  });

  it('gives upper U with U^T U A = I', () => {
    const u = upperCholeskyOfInverse(a, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(u[i * n + j]).toBe(0);
    const prod = matmul(matmul(u, u, n, true), a, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(prod[i * n + j]).toBeCloseTo(i === j ? 1 : 0, 8);
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not positive definite/);
  });
});
