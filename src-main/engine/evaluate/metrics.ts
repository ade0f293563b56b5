/**
 * Streaming metrics: SQNR of a quantized output against the FP32 one, accumulated over batches as
 * two sums (DESIGN: SQNR = 10 log10(sum x^2 / sum (x - x')^2)), and top-1 accuracy.
 */

/** Accumulates sum(x^2) and sum((x - x')^2). */
export class SqnrAccumulator {
  private signal = 0;
  private noise = 0;

  add(reference: ArrayLike<number>, quantized: ArrayLike<number>, offset = 0): void {
    let s = 0;
    let n = 0;
    for (let i = 0; i < quantized.length; i++) {
      const x = reference[offset + i];
      const d = x - quantized[i];
      s += x * x;
      n += d * d;
    }
    this.signal += s;
    this.noise += n;
  }

  /** SQNR in dB; Infinity when the outputs are identical. */
  get db(): number {
    if (this.noise === 0) return Infinity;
    return 10 * Math.log10(this.signal / this.noise);
  }
}

/** Index of the largest value of each row of a [rows, width] matrix. */
export function argmaxRows(values: ArrayLike<number>, rows: number): Int32Array {
  const width = values.length / rows;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bestValue = -Infinity;
    for (let c = 0; c < width; c++) {
      const v = values[r * width + c];
      if (v > bestValue) {
        bestValue = v;
        best = c;
      }
    }
    out[r] = best;
  }
  return out;
}

/** Number of rows whose argmax equals the label. */
export function countCorrect(values: ArrayLike<number>, labels: Int32Array): number {
  const predicted = argmaxRows(values, labels.length);
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct;
}
