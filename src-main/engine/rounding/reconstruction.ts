/**
 * The quantity every rounding method minimises, and the baseline it is judged against:
 * the layer output error ||W X - W' X||^2 per input vector = sum over groups and rows of d H d^T
 * (d = w - w', H the averaged Gram matrix), and nearest rounding.
 */
import { roundHalfEven, weightLevels } from '../quant/arithmetic.js';
import { groupWeight, type GramMatrices, type GroupedWeight, type WeightLayout } from './layout.js';
import { dotAt } from './dot.js';

/** Clamps a level to the symmetric grid of `bits`. */
export function clampLevel(level: number, bits: number): number {
  const { qmin, qmax } = weightLevels(bits);
  return Math.min(qmax, Math.max(qmin, level));
}

/** Nearest (half-to-even) rounding per output channel, in the weight's layout. */
export function nearestLevels(weight: Float32Array, weightDims: number[], scales: Float32Array, bits: number, layout: WeightLayout = 'out-in'): Int32Array {
  const out = weightDims.length === 2 && layout === 'in-out' ? weightDims[1] : weightDims[0];
  const { qmin, qmax } = weightLevels(bits);
  const levels = new Int32Array(weight.length);
  const inner = weight.length / out;
  for (let i = 0; i < weight.length; i++) {
    const channel = layout === 'in-out' && weightDims.length === 2 ? i % out : Math.floor(i / inner);
    const s = scales[channel];
    levels[i] = s > 0 ? Math.min(qmax, Math.max(qmin, roundHalfEven(weight[i] / s))) : 0;
  }
  return levels;
}

/**
 * sum_g sum_r d H_g d^T for grouped differences `diff` ([groups, rows, cols]). H is symmetric, so
 * each row's form is sum_i d_i (H_ii d_i + 2 sum_{j>i} H_ij d_j): half the products of d H d^T.
 */
export function quadraticError(diff: Float64Array, groups: number, rows: number, cols: number, gram: GramMatrices): number {
  let total = 0;
  for (let g = 0; g < groups; g++) {
    const h = gram.data.subarray(g * cols * cols, (g + 1) * cols * cols);
    for (let r = 0; r < rows; r++) {
      const d = diff.subarray((g * rows + r) * cols, (g * rows + r + 1) * cols);
      for (let i = 0; i < cols; i++) {
        const di = d[i];
        if (di === 0) continue;
        const hi = i * cols;
        total += di * (h[hi + i] * di + 2 * dotAt(h, hi + i + 1, d, i + 1, cols - i - 1));
      }
    }
  }
  return total;
}

/** Grouped levels (from the weight's layout) times scales, minus the weight. */
export function groupedDifference(w: GroupedWeight, levels: Int32Array, weightDims: number[], layout: WeightLayout): Float64Array {
  const diff = new Float64Array(w.values.length);
  const { rows, cols, groups } = w;
  const outChannels = groups * rows;
  for (let o = 0; o < outChannels; o++) {
    for (let k = 0; k < cols; k++) {
      const level = layout === 'in-out' && weightDims.length === 2 ? levels[k * outChannels + o] : levels[o * cols + k];
      diff[o * cols + k] = w.values[o * cols + k] - Math.fround(level * w.scales[o]);
    }
  }
  return diff;
}

/**
 * Output error of the layer with integer levels `levels` (in the weight's layout), per input vector:
 * ||W X - W' X||^2 / samples, from the averaged Gram matrices.
 */
export function reconstructionError(weight: Float32Array, weightDims: number[], levels: Int32Array, scales: Float32Array, gram: GramMatrices, layout: WeightLayout = 'out-in'): number {
  const w = groupWeight(weight, weightDims, layout, gram, scales);
  return quadraticError(groupedDifference(w, levels, weightDims, layout), w.groups, w.rows, w.cols, gram);
}
