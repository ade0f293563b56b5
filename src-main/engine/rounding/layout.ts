/**
 * How a layer's weight maps to the matrices rounding works on. Every method sees the weight as
 * G groups of R x K matrices (rows = output channels, columns = the inputs one output reads), the
 * same grouping as the layer's Gram matrices:
 *   Conv [O, I/g, kh, kw]           -> G = g, R = O/g, K = (I/g)*kh*kw   (depthwise: R = multiplier, K = kh*kw)
 *   Gemm transB=1 / Linear [O, K]   -> layout 'out-in'
 *   MatMul, Gemm transB=0 [K, O]    -> layout 'in-out'
 * Integer levels come back in the weight's own layout.
 */
import { BitbenchError } from '../../api/errors.js';

/** Storage order of a 2-D weight; Conv weights are always output-first. */
export type WeightLayout = 'out-in' | 'in-out';

/** Gram matrices of a layer's inputs: one K x K matrix per group, averaged over input vectors. */
export interface GramMatrices {
  groups: number;
  /** K: columns per group. */
  size: number;
  /** groups * size * size values, row-major, H_g = (1/samples) sum_x x x^T. */
  data: Float64Array;
  /** Number of input vectors (patches or rows) averaged. */
  samples: number;
}

/** The weight viewed as [groups, rows, cols], with per-row scales. */
export interface GroupedWeight {
  groups: number;
  rows: number;
  cols: number;
  /** groups * rows * cols values. */
  values: Float64Array;
  /** groups * rows scales (one per output channel). */
  scales: Float64Array;
}

/** The layout a Gemm or MatMul weight is stored in, from the op and its attributes. */
export function weightLayoutOf(op: string, attrs: Record<string, unknown>): WeightLayout {
  if (op === 'Gemm') return Number(attrs.transB ?? 0) === 1 ? 'out-in' : 'in-out';
  if (op === 'MatMul') return 'in-out';
  return 'out-in';
}

/** Number of output channels of a weight in a layout. */
export function outputChannels(weightDims: number[], layout: WeightLayout): number {
  return weightDims.length === 2 && layout === 'in-out' ? weightDims[1] : weightDims[0];
}

/** Regroups a weight for rounding; checks it against the Gram matrices and the scales. */
export function groupWeight(weight: Float32Array, weightDims: number[], layout: WeightLayout, gram: GramMatrices, scales: Float32Array): GroupedWeight {
  const total = weightDims.reduce((a, b) => a * b, 1);
  if (total !== weight.length) throw new BitbenchError('SHAPE_MISMATCH', `The weight has ${weight.length} values but its shape [${weightDims}] needs ${total}.`, 'Pass the weight with its own shape.');
  const out = outputChannels(weightDims, layout);
  const perRow = total / out;
  const groups = gram.groups;
  if (out % groups !== 0 || perRow !== gram.size) {
    throw new BitbenchError(
      'SHAPE_MISMATCH',
      `The weight [${weightDims}] (${out} outputs x ${perRow} inputs) does not match Gram matrices of ${groups} group(s) of ${gram.size} inputs.`,
      'Compute the Gram matrices from the inputs of this same layer.',
    );
  }
  if (scales.length !== out) throw new BitbenchError('SHAPE_MISMATCH', `${scales.length} scales given for ${out} output channels.`, 'Pass one scale per output channel.');
  const values = new Float64Array(total);
  if (layout === 'in-out' && weightDims.length === 2) {
    for (let k = 0; k < perRow; k++) for (let o = 0; o < out; o++) values[o * perRow + k] = weight[k * out + o];
  } else {
    values.set(weight);
  }
  return { groups, rows: out / groups, cols: perRow, values, scales: Float64Array.from(scales) };
}

/** Puts grouped integer levels back into the weight's layout. */
export function ungroupLevels(levels: Int32Array, weightDims: number[], layout: WeightLayout): Int32Array {
  if (layout !== 'in-out' || weightDims.length !== 2) return levels;
  const [k, o] = weightDims;
  const out = new Int32Array(levels.length);
  for (let r = 0; r < o; r++) for (let c = 0; c < k; c++) out[c * o + r] = levels[r * k + c];
  return out;
}
