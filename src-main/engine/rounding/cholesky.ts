/**
 * Dense symmetric positive-definite algebra in float64 for GPTQ: Cholesky factorisation and the
 * upper Cholesky factor of the inverse. K x K with K at most a few thousand; O(K^3) in plain loops
 * with contiguous inner loops, because onnxruntime has no Cholesky op (measured in gptq.test.ts).
 */
import { BitbenchError } from '../../api/errors.js';
import { dotAt } from './dot.js';

/** Lower-triangular L with L L^T = A (row-major, A is n x n); throws when A is not positive definite. */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const lj = j * n;
    let diag = a[lj + j];
    for (let k = 0; k < j; k++) diag -= l[lj + k] * l[lj + k];
    if (!(diag > 0)) throw new BitbenchError('INTERNAL', `The Gram matrix is not positive definite (pivot ${j} is ${diag}).`, 'Raise the GPTQ dampening or use more calibration data.');
    const d = Math.sqrt(diag);
    l[lj + j] = d;
    // Four rows at a time share each load of row j (1.4x faster at K=576, same sums per row).
    let i = j + 1;
    for (; i + 3 < n; i += 4) {
      const r0 = i * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < j; k++) {
        const v = l[lj + k];
        s0 += l[r0 + k] * v;
        s1 += l[r1 + k] * v;
        s2 += l[r2 + k] * v;
        s3 += l[r3 + k] * v;
      }
      l[r0 + j] = (a[r0 + j] - s0) / d;
      l[r1 + j] = (a[r1 + j] - s1) / d;
      l[r2 + j] = (a[r2 + j] - s2) / d;
      l[r3 + j] = (a[r3 + j] - s3) / d;
    }
    for (; i < n; i++) {
      const li = i * n;
      l[li + j] = (a[li + j] - dotAt(l, li, l, lj, j)) / d;
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
 * Lower-triangular M with M^T M = A (the Cholesky factor in reversed order): row i of M involves only
 * inputs 0..i, which is what quantizing columns first-to-last needs. With J A J = Lj Lj^T,
 * M = J Lj^T J.
 */
export function reversedCholesky(a: Float64Array, n: number): Float64Array {
  const reversed = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) reversed[i * n + j] = a[(n - 1 - i) * n + (n - 1 - j)];
  const lj = cholesky(reversed, n);
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) m[i * n + j] = lj[(n - 1 - j) * n + (n - 1 - i)];
  return m;
}
