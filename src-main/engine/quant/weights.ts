/**
 * Weight quantization: symmetric, per output channel. The clipping magnitude per channel comes from
 * min-max (the largest |w|) or from a search minimizing the squared rounding+clipping error (MSE).
 * The result is integer levels plus float32 scales, the form both the simulation graph and the
 * exported model store.
 */
import { quantizeSymmetric, symmetricScale, weightLevels } from './arithmetic.js';

/**
 * 'auto' (the default) is MSE clipping at 4 bits and above and min-max below: at 2-3 bits the clip
 * that minimizes the weights' own squared error moves the few levels away from the largest weights
 * and wrecks the network (ResNet-20 on Fashion-MNIST, W3A8, 1000 images: min-max 0.852 top-1, MSE
 * 0.306; clipping only 2% already gives 0.686), while at 4 bits MSE is better (W4A8 0.9231 vs the
 * min-max reference 0.9160).
 */
export type WeightMethod = 'minmax' | 'mse' | 'auto';

/** The clipping actually used for a bit-width under a method. */
export function effectiveWeightMethod(method: WeightMethod, bits: number): 'minmax' | 'mse' {
  return method === 'auto' ? (bits >= 4 ? 'mse' : 'minmax') : method;
}

export interface QuantizedWeight {
  bits: number;
  /** One scale per output channel (float32). */
  scales: Float32Array;
  /** Integer levels, same layout as the float weight. */
  levels: Int32Array;
}

/** Splits a weight into channel slices along `axis`: returns a function mapping element index -> channel. */
export function channelIndexer(dims: number[], axis: number): { channels: number; channelOf: (i: number) => number } {
  const channels = dims[axis] ?? 1;
  let inner = 1;
  for (let d = axis + 1; d < dims.length; d++) inner *= dims[d];
  return { channels, channelOf: (i) => Math.floor(i / inner) % channels };
}

// Candidate clipping ratios for the MSE search: 1.0 down to 0.30.
const RATIOS = Array.from({ length: 36 }, (_, k) => 1 - k * 0.02);

/** Quantizes a float weight per output channel. */
export function quantizeWeight(weight: Float32Array, dims: number[], axis: number, bits: number, requested: WeightMethod): QuantizedWeight {
  const method = effectiveWeightMethod(requested, bits);
  const { channels, channelOf } = channelIndexer(dims, axis);
  const { qmin, qmax } = weightLevels(bits);
  // Gather each channel's values contiguously (channels are strided for axis != 0).
  const counts = new Int32Array(channels);
  for (let i = 0; i < weight.length; i++) counts[channelOf(i)]++;
  const perChannel = Array.from(counts, (n) => new Float32Array(n));
  counts.fill(0);
  for (let i = 0; i < weight.length; i++) {
    const c = channelOf(i);
    perChannel[c][counts[c]++] = weight[i];
  }
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const values = perChannel[c];
    let maxAbs = 0;
    for (let i = 0; i < values.length; i++) maxAbs = Math.max(maxAbs, Math.abs(values[i]));
    scales[c] = symmetricScale(maxAbs, bits);
    if (method === 'minmax' || maxAbs === 0) continue;
    let best = Infinity;
    for (const ratio of RATIOS) {
      const s = symmetricScale(maxAbs * ratio, bits);
      let err = 0;
      // Ties are measure-zero here, so plain Math.round is fine for ranking candidates.
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        let q = Math.round(v / s);
        if (q < qmin) q = qmin;
        else if (q > qmax) q = qmax;
        const d = v - s * q;
        err += d * d;
      }
      if (err < best) {
        best = err;
        scales[c] = s;
      }
    }
  }
  const levels = new Int32Array(weight.length);
  for (let i = 0; i < weight.length; i++) levels[i] = quantizeSymmetric(weight[i], scales[channelOf(i)], qmin, qmax);
  return { bits, scales, levels };
}

/** The float32 values a quantized weight stands for: scale x level, per channel. */
export function dequantizeWeight(q: QuantizedWeight, dims: number[], axis: number): Float32Array {
  const { channelOf } = channelIndexer(dims, axis);
  const out = new Float32Array(q.levels.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.fround(q.levels[i] * q.scales[channelOf(i)]);
  return out;
}
