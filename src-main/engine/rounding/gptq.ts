/**
 * GPTQ rounding: quantize the columns of each row-group one at a time and push each column's
 * rounding error onto the columns not yet quantized, so later columns compensate (Frantar et al.
 * 2022). One pass, no iterations. Columns go in order of decreasing H_ii (act-order) by default,
 * which quantizes the most influential inputs first while there is most freedom left to compensate.
 *
 * Computed in its nearest-plane form (GPTQ is Babai's nearest-plane algorithm on the lattice of the
 * Gram matrix): with H = M^T M, M lower-triangular, the error of one row is sum_i (M e)_i^2 with
 * e = w - s q, and column i is rounded to cancel row i given the errors already made:
 *   q_i = round((w_i + sum_{j<i} M_ij e_j / M_ii) / s)
 * This needs one Cholesky factorisation and no matrix inverse; gptq.test.ts checks it gives the
 * same levels as the textbook update through the upper Cholesky factor of H^-1.
 *
 * The same form makes GPTQ the first leaf of a branch-and-bound search for the row's best levels
 * (the closest lattice point): a bounded search after it (searchRow, SEARCH_NODES) keeps GPTQ's
 * answer or finds one with less error, which took MobileNetV2 at W3A8 from below AdaRound to above.
 */
import { throwIfAborted } from '../runtime/abort.js';
import { roundHalfEven, weightLevels } from '../quant/arithmetic.js';
import type { CholeskyKernel } from './blockedCholesky.js';
import { cholesky, reversedFactor } from './cholesky.js';
import { dotAt } from './dot.js';
import { groupWeight, ungroupLevels, type GramMatrices, type GroupedWeight, type WeightLayout } from './layout.js';

export interface GptqOptions {
  /** Storage order of a 2-D weight (default 'out-in'). */
  layout?: WeightLayout;
  /** Added to the Gram diagonal, as a fraction of its mean (default 0.01). */
  dampening?: number;
  /** Quantize columns in order of decreasing H_ii (default true). */
  actOrder?: boolean;
  /** Search nodes per row for the enumeration after GPTQ's pass (default SEARCH_NODES; 0 = plain GPTQ). */
  searchBudget?: number;
  /** Factors large Gram matrices with onnxruntime's products (blockedCholesky.ts); default the JS loops. */
  cholesky?: CholeskyKernel;
  signal?: AbortSignal;
}

/**
 * Nodes per row of the search after GPTQ's pass (searchRow), its first descent (GPTQ itself, one
 * node per column) included, so only rows of fewer columns are searched: depthwise and small
 * pointwise layers, where GPTQ has least freedom and lost most to AdaRound. On MobileNetV2 at W3
 * it lowered the mean layer error from 0.41 to 0.37 of nearest's (AdaRound 0.39) and W3A8 accuracy
 * rose from 86.3% to 88.3% (AdaRound 87.6%), for ~0.05-0.2 s over all layers and both bit-widths.
 * 1024 / 4096 nodes: error 0.366 / 0.360, accuracy 87.4% / 87.7% (noise), 3-10x the time.
 * Coordinate descent from GPTQ's levels was tried first: error 0.405, no accuracy gain.
 */
export const SEARCH_NODES = 256;

/** The column order and the factor M of one group's permuted, damped Gram matrix. */
interface Factorisation {
  order: number[];
  m: Float64Array;
  /** M transposed (the search reads M by columns). */
  mt: Float64Array;
}

// Factorisations by Gram matrices: every bit-width of a layer rounds against the same M, so it is
// computed once per layer (the Cholesky was 60-70% of GPTQ's math on ResNet-20). Keyed weakly on
// the GramMatrices object (never modified once collected), so it lives as long as the statistics;
// then by settings, one entry per group.
const factorisations = new WeakMap<GramMatrices, Map<string, Factorisation[]>>();

/** The factorisations of every group of `gram` for these settings, filled in as groups are reached. */
function factorisationsOf(gram: GramMatrices, damp: number, actOrder: boolean): Factorisation[] {
  let bySettings = factorisations.get(gram);
  if (!bySettings) factorisations.set(gram, (bySettings = new Map()));
  const key = `${damp}|${actOrder}`;
  let groups = bySettings.get(key);
  if (!groups) bySettings.set(key, (groups = []));
  return groups;
}

/**
 * Group g's column order and factor. The O(K^2) loops live in the plain functions below, outside
 * this async one, where V8 optimizes them from the first layer (see nearestPlaneGroup).
 */
async function factorise(gram: GramMatrices, g: number, damp: number, actOrder: boolean, kernel?: CholeskyKernel): Promise<Factorisation> {
  const cols = gram.size;
  const h = gram.data.subarray(g * cols * cols, (g + 1) * cols * cols);
  const order = Array.from({ length: cols }, (_, i) => i);
  if (actOrder) order.sort((a, b) => h[b * cols + b] - h[a * cols + a] || a - b);
  const reversed = reversedPermutedDamped(h, cols, order, damp);
  const m = reversedFactor(kernel ? await kernel.factor(reversed, cols) : cholesky(reversed, cols), cols);
  return { order, m, mt: transposed(m, cols) };
}

/**
 * J (P^T H P) J in one copy: the Gram matrix in `order`, then in reverse order (reversedFactor's
 * input). Inputs that are always zero get a unit diagonal (their weights do not matter); the
 * diagonal is then damped by `damp` times its mean, summed in `order`.
 */
function reversedPermutedDamped(h: Float64Array, cols: number, order: number[], damp: number): Float64Array {
  const diagonal = new Float64Array(cols);
  let meanDiag = 0;
  for (let i = 0; i < cols; i++) {
    const d = h[order[i] * cols + order[i]];
    diagonal[i] = d === 0 ? 1 : d;
    meanDiag += diagonal[i] / cols;
  }
  const out = new Float64Array(cols * cols);
  for (let i = 0; i < cols; i++) {
    const row = order[cols - 1 - i] * cols;
    for (let j = 0; j < cols; j++) out[i * cols + j] = h[row + order[cols - 1 - j]];
    out[i * cols + i] = diagonal[cols - 1 - i] + damp * meanDiag;
  }
  return out;
}

/** The transpose of a lower-triangular matrix. */
function transposed(m: Float64Array, cols: number): Float64Array {
  const mt = new Float64Array(cols * cols);
  for (let i = 0; i < cols; i++) for (let j = 0; j <= i; j++) mt[j * cols + i] = m[i * cols + j];
  return mt;
}

/**
 * Depth-first Schnorr-Euchner enumeration of one row's levels in GPTQ's column order: the error
 * is sum_i (M e)_i^2 and row i of M involves only columns 0..i, so after fixing columns 0..i the
 * partial sum is a lower bound and branches reaching the best error so far are cut. Each column's
 * candidates go in order of distance to its GPTQ target, so the first leaf is GPTQ's own answer;
 * with enough nodes the search proves the optimum (small K: depthwise 3x3 rows have K = 9).
 */
function searchRow(w: GroupedWeight, levels: Int32Array, o: number, order: number[], m: Float64Array, mt: Float64Array, qmin: number, qmax: number, maxNodes: number): void {
  const cols = w.cols;
  const s = w.scales[o];
  if (!(s > 0)) {
    for (let i = 0; i < cols; i++) levels[o * cols + i] = 0;
    return;
  }
  const value = new Float64Array(cols);
  for (let i = 0; i < cols; i++) value[i] = w.values[o * cols + order[i]];
  // carry[k] = sum_{j<k} M_kj e_j over the errors currently stored: setting e_i updates the carries
  // after i (O(K - i), through M's transpose), so the many nodes near the leaves cost little.
  const e = new Float64Array(cols);
  const carry = new Float64Array(cols);
  const q = new Int32Array(cols);
  const best = new Int32Array(cols);
  let bestErr = Infinity;
  let nodes = 0;
  const visit = (i: number, partial: number): void => {
    if (i === cols) {
      if (partial < bestErr) {
        bestErr = partial;
        best.set(q);
      }
      return;
    }
    const d = m[i * cols + i];
    const center = (value[i] + carry[i] / d) / s;
    const scale2 = d * d * s * s;
    const first = Math.min(qmax, Math.max(qmin, roundHalfEven(center)));
    // Zig-zag outwards from the nearest level; costs grow with distance, so stop at the first too dear on each side.
    let up = first, down = first - 1;
    while (nodes < maxNodes) {
      const costUp = up <= qmax ? scale2 * (center - up) ** 2 : Infinity;
      const costDown = down >= qmin ? scale2 * (center - down) ** 2 : Infinity;
      const pickUp = costUp <= costDown;
      const level = pickUp ? up : down;
      const cost = pickUp ? costUp : costDown;
      if (!(partial + cost < bestErr)) break;
      if (pickUp) up++;
      else down--;
      nodes++;
      q[i] = level;
      const ei = value[i] - level * s;
      const delta = ei - e[i];
      e[i] = ei;
      if (delta !== 0) for (let k = i + 1, a = i * cols + k; k < cols; k++, a++) carry[k] += mt[a] * delta;
      visit(i + 1, partial + cost);
    }
  };
  visit(0, 0);
  for (let i = 0; i < cols; i++) levels[o * cols + order[i]] = best[i];
}

/**
 * GPTQ's pass over the rows of group g (the nearest-plane form, see the top of this file). A plain
 * function rather than a loop inside the async gptqRound: V8 optimizes its hot loops on the first
 * large layer, where inside the async function they ran unoptimized until it had been called many
 * times (the first GPTQ of a process took 1.8x as long in its math).
 */
function nearestPlaneGroup(w: GroupedWeight, levels: Int32Array, g: number, order: number[], m: Float64Array, qmin: number, qmax: number, errs: Float64Array[], carries: Float64Array): void {
  const { rows, cols } = w;
  const [e0, e1, e2, e3] = errs;
  // Rows are independent given M: four at a time share each load of M's row i.
  for (let r0 = 0; r0 < rows; r0 += 4) {
    const count = Math.min(4, rows - r0);
    for (let i = 0; i < cols; i++) {
      const mi = i * cols;
      if (count === 4) {
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let j = 0; j < i; j++) {
          const v = m[mi + j];
          s0 += v * e0[j];
          s1 += v * e1[j];
          s2 += v * e2[j];
          s3 += v * e3[j];
        }
        carries[0] = s0;
        carries[1] = s1;
        carries[2] = s2;
        carries[3] = s3;
      } else {
        for (let c = 0; c < count; c++) carries[c] = dotAt(m, mi, errs[c], 0, i);
      }
      for (let c = 0; c < count; c++) {
        const o = g * rows + r0 + c;
        const s = w.scales[o];
        const value = w.values[o * cols + order[i]];
        const target = value + carries[c] / m[mi + i];
        const q = s > 0 ? Math.min(qmax, Math.max(qmin, roundHalfEven(target / s))) : 0;
        levels[o * cols + order[i]] = q;
        errs[c][i] = value - q * s;
      }
    }
  }
}

/**
 * Integer levels in [-(2^(b-1)), 2^(b-1)-1] for `weight` (Conv [O, I/g, kh, kw], or 2-D in
 * `options.layout`), symmetric per output channel with the given scales, minimising the layer
 * output error on the inputs summarised by `gram`.
 */
export async function gptqRound(weight: Float32Array, weightDims: number[], gram: GramMatrices, scales: Float32Array, bits: number, options: GptqOptions = {}): Promise<Int32Array> {
  const layout = options.layout ?? 'out-in';
  const w = groupWeight(weight, weightDims, layout, gram, scales);
  const { groups, rows, cols } = w;
  const { qmin, qmax } = weightLevels(bits);
  const levels = new Int32Array(w.values.length);
  const damp = options.dampening ?? 0.01;
  const actOrder = options.actOrder ?? true;
  const cache = factorisationsOf(gram, damp, actOrder);
  const errs = [0, 1, 2, 3].map(() => new Float64Array(cols));
  const carries = new Float64Array(4);
  const budget = options.searchBudget ?? SEARCH_NODES;
  for (let g = 0; g < groups; g++) {
    throwIfAborted(options.signal);
    const { order, m, mt } = (cache[g] ??= await factorise(gram, g, damp, actOrder, options.cholesky));
    // With more nodes than columns the search's first descent is GPTQ itself, and it goes on from there.
    if (budget > cols) {
      for (let r = 0; r < rows; r++) searchRow(w, levels, g * rows + r, order, m, mt, qmin, qmax, budget);
      if (groups > 1 && g % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
      continue;
    }
    nearestPlaneGroup(w, levels, g, order, m, qmin, qmax, errs, carries);
    // Yield between groups so a long depthwise layer does not block the event loop.
    if (groups > 1 && g % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
  }
  return ungroupLevels(levels, weightDims, layout);
}
