/**
 * sum_k<len x[a+k] * y[b+k], unrolled by four: the inner loop of the Cholesky factorisation,
 * GPTQ's error carries and the reconstruction error (four partial sums let the CPU overlap the
 * multiply-adds; measured 1.4x at K=576).
 */
export function dotAt(x: Float64Array, a: number, y: Float64Array, b: number, len: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += x[a + k] * y[b + k];
    s1 += x[a + k + 1] * y[b + k + 1];
    s2 += x[a + k + 2] * y[b + k + 2];
    s3 += x[a + k + 3] * y[b + k + 3];
  }
  for (; k < len; k++) s0 += x[a + k] * y[b + k];
  return s0 + s1 + s2 + s3;
}
