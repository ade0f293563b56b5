/**
 * Dense symmetric positive-definite algebra in float64 for GPTQ: Cholesky factorisation and the
 * upper Cholesky factor of the inverse. K x K with K at most a few thousand; O(K^3) in plain loops
 * with contiguous inner loops, because onnxruntime has no Cholesky op (measured in gptq.test.ts).
 */
import { BitbenchError } from '../../api/errors.js';
import { dotAt } from './dot.js';

/**
 * Lower-triangular L with L L^T = A (row-major, A is n x n); throws when A is not positive definite.
 * Row by row (row i needs rows j < i), four rows at a time against two earlier rows at a time: each
 * load then feeds 8/6 multiply-adds instead of 4/5 (1.35-1.6x faster at K=576 than 4 rows against one).
 */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i0 = 0; i0 < n; i0 += 4) {
    let j = 0;
    if (i0 + 4 <= n) {
      const r0 = i0 * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
      for (; j + 1 < i0; j += 2) {
        const c0 = j * n, c1 = c0 + n;
        let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
        for (let k = 0; k < j; k++) {
          const u = l[c0 + k], v = l[c1 + k];
          const x0 = l[r0 + k], x1 = l[r1 + k], x2 = l[r2 + k], x3 = l[r3 + k];
          s00 += x0 * u;
          s01 += x0 * v;
          s10 += x1 * u;
          s11 += x1 * v;
          s20 += x2 * u;
          s21 += x2 * v;
          s30 += x3 * u;
          s31 += x3 * v;
        }
        const d0 = l[c0 + j];
        const e0 = (a[r0 + j] - s00) / d0, e1 = (a[r1 + j] - s10) / d0, e2 = (a[r2 + j] - s20) / d0, e3 = (a[r3 + j] - s30) / d0;
        l[r0 + j] = e0;
        l[r1 + j] = e1;
        l[r2 + j] = e2;
        l[r3 + j] = e3;
        // Column j+1 also needs column j's term, just computed.
        const w = l[c1 + j], d1 = l[c1 + j + 1];
        l[r0 + j + 1] = (a[r0 + j + 1] - s01 - e0 * w) / d1;
        l[r1 + j + 1] = (a[r1 + j + 1] - s11 - e1 * w) / d1;
        l[r2 + j + 1] = (a[r2 + j + 1] - s21 - e2 * w) / d1;
        l[r3 + j + 1] = (a[r3 + j + 1] - s31 - e3 * w) / d1;
      }
    }
    // The rest of these rows one entry at a time, up to and including the diagonal.
    for (let i = i0; i < Math.min(n, i0 + 4); i++) {
      const ri = i * n;
      for (let jj = j; jj < i; jj++) l[ri + jj] = (a[ri + jj] - dotAt(l, ri, l, jj * n, jj)) / l[jj * n + jj];
      const diag = a[ri + i] - dotAt(l, ri, l, ri, i);
      if (!(diag > 0)) throw new BitbenchError('INTERNAL', `The Gram matrix is not positive definite (pivot ${i} is ${diag}).`, 'Raise the GPTQ dampening or use more calibration data.');
      l[ri + i] = Math.sqrt(diag);
    }
  }
  return l;
}

/** Inverse of a lower-triangular matrix, row by row (each row a combination of earlier rows). */
export function invertLower(l: Float64Array, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    inv[ri + i] = 1;
    for (let k = 0; k < i; k++) {
      const c = l[ri + k];
      if (c === 0) continue;
      const rk = k * n;
      for (let j = 0; j <= k; j++) inv[ri + j] -= c * inv[rk + j];
    }
    const d = 1 / l[ri + i];
    for (let j = 0; j <= i; j++) inv[ri + j] *= d;
  }
  return inv;
}

/**
 * Upper-triangular U with U^T U = A^-1, GPTQ's factor: row i of U, divided by U[i][i], is how the
 * rounding error of column i is best spread over the columns after it.
 *
 * With J the order-reversing permutation and J A J = Lj Lj^T, A = Uh Uh^T for the upper
 * Uh = J Lj J, so A^-1 = Uh^-T Uh^-1 and U = Uh^-1 = (Uh^T)^-1 transposed: one Cholesky and one
 * triangular inverse.
 */
export function upperCholeskyOfInverse(a: Float64Array, n: number): Float64Array {
  const reversed = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) reversed[i * n + j] = a[(n - 1 - i) * n + (n - 1 - j)];
  const lj = cholesky(reversed, n);
  // Lh = Uh^T, lower: Lh[i][j] = Uh[j][i] = Lj[n-1-j][n-1-i].
  const lh = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) lh[i * n + j] = lj[(n - 1 - j) * n + (n - 1 - i)];
  const lhInv = invertLower(lh, n);
  const u = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) u[i * n + j] = lhInv[j * n + i];
  return u;
}

/**
 * The Cholesky factor in reversed order: lower-triangular M with M^T M = A, so that row i of M
 * involves only inputs 0..i, which is what quantizing columns first-to-last needs. With J the
 * order reversal and J A J = Lj Lj^T (any factorisation: cholesky() or blockedCholesky.ts),
 * M = J Lj^T J. The caller builds J A J (gptq.ts, in the same copy as its permutation).
 */
export function reversedFactor(lj: Float64Array, n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) m[i * n + j] = lj[(n - 1 - j) * n + (n - 1 - i)];
  return m;
}
