/**
 * Pyramid pooling of one captured layer output into flat feature vectors, one per scale d
 * (seed 001): a feature map [N, C, H, W] is average-pooled adaptively to d x d per channel; a token
 * sequence [N, T, D] (transformers) is pooled along the tokens into d segments per dimension; a flat
 * [N, F] output has a single scale. Bins follow adaptive pooling: bin i of n over length L covers
 * [floor(i L / n), ceil((i + 1) L / n)).
 */

/** Pooled features of a batch at one scale: `size` rows of `width` values. */
export interface PooledFeatures {
  scale: number;
  width: number;
  data: Float32Array;
}

/** Pools a batch tensor (batch first) at each scale; scales that cannot apply are skipped. */
export function pyramidPool(dims: readonly number[], data: Float32Array, scales: readonly number[]): PooledFeatures[] {
  const n = dims[0];
  if (dims.length === 4) return scales.map((d) => poolMap(n, dims[1], dims[2], dims[3], data, d));
  if (dims.length === 3) return scales.map((d) => poolTokens(n, dims[1], dims[2], data, d));
  const width = data.length / Math.max(1, n);
  return [{ scale: 1, width, data }];
}

function bin(i: number, n: number, length: number): [number, number] {
  return [Math.floor((i * length) / n), Math.ceil(((i + 1) * length) / n)];
}

function poolMap(n: number, c: number, h: number, w: number, data: Float32Array, d: number): PooledFeatures {
  const dh = Math.min(d, h);
  const dw = Math.min(d, w);
  const width = c * dh * dw;
  const out = new Float32Array(n * width);
  for (let s = 0; s < n; s++) {
    for (let ch = 0; ch < c; ch++) {
      const base = (s * c + ch) * h * w;
      for (let by = 0; by < dh; by++) {
        const [y0, y1] = bin(by, dh, h);
        for (let bx = 0; bx < dw; bx++) {
          const [x0, x1] = bin(bx, dw, w);
          let sum = 0;
          for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += data[base + y * w + x];
          out[s * width + (ch * dh + by) * dw + bx] = sum / ((y1 - y0) * (x1 - x0));
        }
      }
    }
  }
  return { scale: d, width, data: out };
}

function poolTokens(n: number, t: number, dim: number, data: Float32Array, d: number): PooledFeatures {
  const segments = Math.min(d, t);
  const width = dim * segments;
  const out = new Float32Array(n * width);
  for (let s = 0; s < n; s++) {
    for (let seg = 0; seg < segments; seg++) {
      const [t0, t1] = bin(seg, segments, t);
      for (let k = 0; k < dim; k++) {
        let sum = 0;
        for (let tok = t0; tok < t1; tok++) sum += data[(s * t + tok) * dim + k];
        out[s * width + k * segments + seg] = sum / (t1 - t0);
      }
    }
  }
  return { scale: d, width, data: out };
}
