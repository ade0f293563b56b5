/**
 * Bilinear resize of an HWC image with half-pixel centres (the convention of PIL, OpenCV's
 * INTER_LINEAR and ONNX Resize's default), without antialiasing.
 */

/** Resizes `src` (srcH x srcW x channels) to outH x outW; returns a new HWC Float32Array. */
export function resizeBilinear(src: ArrayLike<number>, srcH: number, srcW: number, channels: number, outH: number, outW: number): Float32Array {
  const out = new Float32Array(outH * outW * channels);
  const sy = srcH / outH;
  const sx = srcW / outW;
  for (let y = 0; y < outH; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), srcH - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, srcH - 1);
    const wy = fy - y0;
    for (let x = 0; x < outW; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), srcW - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, srcW - 1);
      const wx = fx - x0;
      for (let c = 0; c < channels; c++) {
        const a = src[(y0 * srcW + x0) * channels + c];
        const b = src[(y0 * srcW + x1) * channels + c];
        const d = src[(y1 * srcW + x0) * channels + c];
        const e = src[(y1 * srcW + x1) * channels + c];
        out[(y * outW + x) * channels + c] = (a * (1 - wx) + b * wx) * (1 - wy) + (d * (1 - wx) + e * wx) * wy;
      }
    }
  }
  return out;
}
