import { describe, expect, it } from 'vitest';
import { roundHalfEven } from '../quant/arithmetic.js';
import { upperCholeskyOfInverse } from './cholesky.js';
import { gptqRound } from './gptq.js';
import type { GramMatrices } from './layout.js';
import { nearestLevels, reconstructionError } from './reconstruction.js';

function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
}

/** The Gram matrix of correlated random inputs (so that compensation matters). */
function gramOf(k: number, vectors: number, rand: () => number): GramMatrices {
  const data = new Float64Array(k * k);
  for (let v = 0; v < vectors; v++) {
    const base = rand();
    const x = Array.from({ length: k }, () => base + 0.5 * rand());
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) data[i * k + j] += (x[i] * x[j]) / vectors;
  }
  return { groups: 1, size: k, data, samples: vectors };
}

/** Textbook GPTQ (Frantar et al., Algorithm 1 without blocks or act-order): the reference. */
function textbookGptq(w: Float32Array, rows: number, k: number, gram: GramMatrices, scales: Float32Array, bits: number, damp: number): Int32Array {
  const h = Float64Array.from(gram.data);
  let mean = 0;
  for (let i = 0; i < k; i++) mean += h[i * k + i] / k;
  for (let i = 0; i < k; i++) h[i * k + i] += damp * mean;
  const u = upperCholeskyOfInverse(h, k);
  const [qmin, qmax] = [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1];
  const out = new Int32Array(w.length);
  for (let r = 0; r < rows; r++) {
    const row = Float64Array.from(w.subarray(r * k, (r + 1) * k));
    for (let i = 0; i < k; i++) {
      const q = Math.min(qmax, Math.max(qmin, roundHalfEven(row[i] / scales[r])));
      out[r * k + i] = q;
      const err = (row[i] - q * scales[r]) / u[i * k + i];
      for (let j = i + 1; j < k; j++) row[j] -= err * u[i * k + j];
    }
  }
  return out;
}

describe('gptqRound', () => {
  const rand = random(3);
  const [rows, k, bits] = [6, 20, 3];
  const gram = gramOf(k, 200, rand);
  const w = Float32Array.from({ length: rows * k }, () => rand() * 0.5);
  const scales = Float32Array.from({ length: rows }, (_, r) => 0.5 / 3 + r * 0.01);

  it('gives the same levels as the textbook inverse-Hessian update', async () => {
    const ours = await gptqRound(w, [rows, k], gram, scales, bits, { actOrder: false, searchBudget: 0 });
    expect(Array.from(ours)).toEqual(Array.from(textbookGptq(w, rows, k, gram, scales, bits, 0.01)));
  });

  it('beats nearest rounding on correlated inputs, with and without act-order', async () => {
    const e0 = reconstructionError(w, [rows, k], nearestLevels(w, [rows, k], scales, bits), scales, gram);
    for (const actOrder of [false, true]) {
      const levels = await gptqRound(w, [rows, k], gram, scales, bits, { actOrder });
      expect(reconstructionError(w, [rows, k], levels, scales, gram)).toBeLessThan(0.7 * e0);
    }
  });

  it('the search after GPTQ never raises the error, and lowers it here', async () => {
    const error = (levels: Int32Array) => reconstructionError(w, [rows, k], levels, scales, gram);
    const plain = error(await gptqRound(w, [rows, k], gram, scales, bits, { searchBudget: 0 }));
    let previous = plain;
    for (const searchBudget of [16, 256, 4096]) {
      const e = error(await gptqRound(w, [rows, k], gram, scales, bits, { searchBudget }));
      expect(e).toBeLessThanOrEqual(previous * (1 + 1e-12));
      previous = e;
    }
    expect(previous).toBeLessThan(0.99 * plain);
  });

  it('finds the best levels of a small row given enough nodes (brute force agrees)', async () => {
    const r = random(11);
    const [kk, b] = [5, 3];
    const g = gramOf(kk, 100, r);
    const ws = Float32Array.from({ length: 2 * kk }, () => r() * 0.5);
    const sc = Float32Array.from([0.5 / 3, 0.4 / 3]);
    const levels = await gptqRound(ws, [2, kk], g, sc, b, { searchBudget: 1e6, dampening: 0 });
    for (let row = 0; row < 2; row++) {
      const rowW = ws.subarray(row * kk, (row + 1) * kk);
      const rowErr = (q: ArrayLike<number>) => reconstructionError(rowW, [1, kk], Int32Array.from(q), sc.subarray(row, row + 1), g);
      let best = Infinity;
      for (let code = 0; code < 8 ** kk; code++) {
        const q = Array.from({ length: kk }, (_, i) => (Math.floor(code / 8 ** i) % 8) - 4);
        best = Math.min(best, rowErr(q));
      }
      expect(rowErr(levels.subarray(row * kk, (row + 1) * kk))).toBeCloseTo(best, 10);
    }
  });

  it('tolerates inputs that are always zero', async () => {
    const dead: GramMatrices = { ...gram, data: Float64Array.from(gram.data) };
    for (let j = 0; j < k; j++) dead.data[5 * k + j] = dead.data[j * k + 5] = 0;
    const levels = await gptqRound(w, [rows, k], dead, scales, bits);
    expect(levels.every((q) => q >= -4 && q <= 3)).toBe(true);
  });

  it('refuses a weight that does not match the Gram matrix', async () => {
    await expect(gptqRound(w, [rows * 2, k / 2], gram, scales, bits)).rejects.toThrow(/does not match Gram matrices/);
    await expect(gptqRound(w, [rows, k], gram, scales.subarray(0, 3), bits)).rejects.toThrow(/3 scales given for 6 output channels/);
  });
});
