/**
 * Dense symmetric positive-definite algebra in float64 for GPTQ: Cholesky factorisation and the
 * upper Cholesky factor of the inverse. K x K with K at most a few thousand; O(K^3) in plain loops
 * with contiguous inner loops, because onnxruntime has no Cholesky op (measured in gptq.test.ts).
 */
import { BitbenchError } from '../../api/errors.js';

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
    for (let i = j + 1; i < n; i++) {
      const li = i * n;
      let s = a[li + j];
      for (let k = 0; k < j; k++) s -= l[li + k] * l[lj + k];
      l[li + j] = s / d;
    }
  }
  return l;
}

/** Inverse of a lower-triangular matrix, row by row (each row a combination of earlier rows). */
export function invertLower(l: Float64Array, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = inv.subarray(i * n, i * n + i + 1);
    row[i] = 1;
    for (let k = 0; k < i; k++) {
      const c = l[i * n + k];
      if (c === 0) continue;
      const rk = k * n;
      for (let j = 0; j <= k; j++) row[j] -= c * inv[rk + j];
    }
    const d = l[i * n + i];
    for (let j = 0; j <= i; j++) row[j] /= d;
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
