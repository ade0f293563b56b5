/**
 * Uniform quantization arithmetic (seed 001 eq. 1-5, DESIGN section 3):
 *   q = clip(round(r / S) + Z, qmin, qmax),   r' = S (q - Z)
 * Rounding is half-to-even, the rule onnxruntime's QuantizeLinear applies, so values computed here
 * and values computed by the runtime agree. Scales are float32 because that is what the graph stores.
 */

/** Round half to even (banker's rounding), as onnxruntime QuantizeLinear does. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Asymmetric (activation) quantization parameters for a real range and a bit-width. */
export interface AffineParams {
  bits: number;
  scale: number;
  zeroPoint: number;
  /** Largest level: 2^bits - 1 (levels are 0..qmax). */
  qmax: number;
}

/**
 * Activation parameters for the range [lo, hi] at `bits` (unsigned levels 0..2^bits-1). The range is
 * widened to contain 0 so that zero (padding, ReLU) is exact.
 */
export function affineParams(lo: number, hi: number, bits: number): AffineParams {
  const qmax = 2 ** bits - 1;
  const min = Math.min(0, lo);
  const max = Math.max(0, hi);
  const span = max - min;
  const scale = span > 0 && Number.isFinite(span) ? Math.fround(span / qmax) : 1;
  const zeroPoint = Math.min(qmax, Math.max(0, roundHalfEven(-min / scale)));
  return { bits, scale, zeroPoint, qmax };
}

/** The levels of a symmetric signed weight quantizer: [-2^(b-1), 2^(b-1)-1]. */
export function weightLevels(bits: number): { qmin: number; qmax: number } {
  return { qmin: -(2 ** (bits - 1)), qmax: 2 ** (bits - 1) - 1 };
}

/** Symmetric scale for a clipping magnitude: maxAbs maps to qmax. */
export function symmetricScale(maxAbs: number, bits: number): number {
  const { qmax } = weightLevels(bits);
  return maxAbs > 0 && Number.isFinite(maxAbs) ? Math.fround(maxAbs / qmax) : 1;
}

/** Quantizes one value to a symmetric level. */
export function quantizeSymmetric(value: number, scale: number, qmin: number, qmax: number): number {
  return Math.min(qmax, Math.max(qmin, roundHalfEven(value / scale)));
}

/** Dequantizes an affine level exactly as DequantizeLinear does in float32. */
export function dequantize(level: number, scale: number, zeroPoint: number): number {
  return Math.fround((level - zeroPoint) * scale);
}
