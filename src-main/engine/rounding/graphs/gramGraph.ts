/**
 * ONNX graphs computing Gram matrices of a layer's inputs on a batch, as branches that either form
 * a session of their own or are grafted onto the model itself (see gramProbe.ts).
 *
 * Conv (im2col by convolution): a grouped convolution with one-hot kernels copies every input
 * patch into channels, with the layer's own strides, pads and dilations, so the patches are exactly
 * what the layer's kernel sees (zero padding included). Channel c*P + p of the patch tensor is input
 * channel c at kernel position p, the order of the flattened weight [O, I/g, kh, kw] within a group.
 * Then one of two products (see ConvGramForm):
 *
 *   X [n,C,H,W] -> Conv(one-hot [C*P,1,kh,kw], group=C) -> Reshape [n, G, Kg, L]
 *     'batch':  -> Transpose [G, Kg, n, L] -> Reshape [G, Kg, n*L] = Xs -> Xs Xs^T = H [G, Kg, Kg]
 *     'sample': -> per-sample products [n, G, Kg, Kg] -> ReduceSum over n
 *
 * 'sample' (the only form before) writes n Gram matrices per batch: on ResNet-20's 576-input layers
 * with 49 positions per sample, 12x more than it reads; 'batch' is one product over n*49 vectors.
 * Splitting 'batch' into channel blocks to skip the mirrored half, or gathering patches with
 * strided Slice + Concat instead of the conv, both measured slower here (smaller products; the
 * slices cost more than the conv) and were dropped.
 *
 * 3x3 "same" convolutions with vertical stride 1 (most of a ResNet) take the row-shift product
 * instead (rowShiftGram): kernel row 0 against all rows, a third of the multiply-adds.
 *
 * Dense (Gemm, MatMul): X [..., K] -> Reshape [M, K] -> MatMul(X^T, X) = H [K, K]; a Gemm with
 * transA reads A [K, M] and gets MatMul(A, A^T), with no transpose in JS.
 */
import type * as ort from 'onnxruntime-node';
import { GraphBuilder } from './graphBuilder.js';

/** Convolution geometry of the layer whose inputs are gathered. */
export interface ConvGeometry {
  channels: number;
  groups: number;
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** Explicit pads [begin..., end...], or null when autoPad decides. */
  pads: number[] | null;
  autoPad: string;
  /** Spatial size of the layer's input, when known (the row-shift product needs it). */
  inputSize?: number[];
}

/** How a dense layer reads its input: rows of K features, or (Gemm transA) columns of a [K, M] matrix. */
export interface DenseGeometry {
  features: number;
  transA: boolean;
}

/** Names of a branch's outputs. */
export interface GramBranch {
  /**
   * [G, K, K] (conv) or [K, K] (dense): sum over the batch's vectors of x x^T, not averaged; for a
   * row-shift conv branch, the packed sums unpackRowShift lays out. The caller counts the vectors
   * (vectorsPerSample): counting them in the graph took nine nodes per layer.
   */
  gram: string;
}

/**
 * How a conv branch multiplies: 'batch' puts all the batch's patches through one product per group
 * (best when a sample has few output positions, L < K), 'sample' makes one product per sample and
 * sums them (no transpose of the patches; best when L >= K).
 */
export type ConvGramForm = 'batch' | 'sample';

/** `x` sliced to [start, end) along `axis` (Slice takes inputs from opset 10, attributes before). */
function slice(g: GraphBuilder, x: string, axis: number, start: number, end: number): string {
  if (g.opset >= 10) return g.op('Slice', [x, g.constInt64([start]), g.constInt64([end]), g.constInt64([axis])]);
  return g.op('Slice', [x], { starts: [start], ends: [end], axes: [axis] });
}

/** Sum over axis 0, dropping it. */
function sumFirst(g: GraphBuilder, x: string): string {
  // ReduceSum takes its axes as an input from opset 13, as an attribute before.
  return g.opset >= 13 ? g.op('ReduceSum', [x, g.constInt64([0])], { keepdims: 0 }) : g.op('ReduceSum', [x], { axes: [0], keepdims: 0 });
}

/**
 * Whether the row-shift product applies: a 2-D convolution, one group, kernel height 3, vertical
 * stride and dilation 1, one padding row above and below (3x3 "same" convolutions: most of a
 * ResNet), and a known input size. Any horizontal geometry.
 */
export function rowShiftApplies(geo: ConvGeometry): boolean {
  // Grouped (depthwise) layers were tried too, with the blocks per group: on MobileNetV2 the 3x3
  // per-channel products and their slices made the Gram pass 1.2x slower than the im2col form.
  return geo.inputSize?.length === 2 && geo.kernel.length === 2 && geo.groups === 1 && geo.kernel[0] === 3 && geo.strides[0] === 1 && geo.dilations[0] === 1 && geo.pads !== null && geo.pads[0] === 1 && geo.pads[2] === 1;
}

/**
 * The row-shift Gram of a 3-high, vertically "same" convolution, from a third of the products and
 * of the gathered patches. With Q(t) the horizontal patches ([q = C*kw] values per position, the
 * layer's horizontal geometry) of padded row t, zero at t = 0 and t = H+1, kernel row i at output
 * row y reads Q(y + i), so block (i, j) of the Gram matrix (kernel rows i and j) is the sum over y
 * of Q(y+i) Q(y+j)^T. Blocks with the same j - i differ only by the zero padding rows, which leaves
 *   (0,j) = sum_y Q(y) Q(y+j)^T (computed: three q x q products over rows 0..H-1 against rows j..j+H-1),
 *   (1,1) = (0,0) + Q(H) Q(H)^T,   (2,2) = (1,1) - Q(1) Q(1)^T,   (1,2) = (0,1),
 * Q(1) and Q(H) being the patches of the first and last real rows, and (j,i) = (i,j)^T.
 *
 *   X [n,C,H,W] -> Conv(one-hot [q,1,1,kw], group=C, vertical pads 1) = Q [n, q, H+2, Wout]
 *     'sample': rows j..j+H-1 as [n, q, L] -> per-sample products with rows 0..H-1, summed over n
 *     'batch':  Transpose [q, n, H+2, Wout] first, then one product per j over all n*L positions
 *
 * The branch outputs the packed sums [(0,0); (0,1); (0,2); Q(1) Q(1)^T; Q(H) Q(H)^T], a [5q, q]
 * matrix; unpackRowShift lays them out in the weight's order (c, i, a) once the sums over the data
 * are done (assembling them in the graph tripled the session's build time).
 */
function rowShiftGram(g: GraphBuilder, x: string, geo: ConvGeometry, form: ConvGramForm): string {
  const c = geo.channels;
  const kw = geo.kernel[1];
  const q = c * kw;
  const onehot = new Float32Array(q * kw);
  for (let ch = 0; ch < c; ch++) for (let a = 0; a < kw; a++) onehot[(ch * kw + a) * kw + a] = 1;
  const rowPatches = g.op('Conv', [x, g.constFloat([q, 1, 1, kw], onehot)], {
    group: c,
    kernel_shape: [1, kw],
    strides: [1, geo.strides[1]],
    dilations: [1, geo.dilations[1]],
    pads: [1, geo.pads![1], 1, geo.pads![3]],
  });
  const [h, w] = geo.inputSize!;
  const wOut = Math.floor((w + geo.pads![1] + geo.pads![3] - geo.dilations[1] * (kw - 1) - 1) / geo.strides[1]) + 1;
  const l = h * wOut;
  // Rows j..j+H-1 of the padded rows 0..H+1, as one contiguous range of the flattened rows (a
  // slice along the row axis copied row by row, 3x slower).
  const blocks: string[] = [];
  if (form === 'sample') {
    const flat = g.op('Reshape', [rowPatches, g.constInt64([0, q, -1])]);
    const shifted = [0, 1, 2].map((j) => slice(g, flat, 2, j * wOut, j * wOut + l));
    for (const r of shifted) blocks.push(sumFirst(g, g.op('MatMul', [shifted[0], g.op('Transpose', [r], { perm: [0, 2, 1] })])));
  } else {
    const byChannel = g.op('Reshape', [g.op('Transpose', [rowPatches], { perm: [1, 0, 2, 3] }), g.constInt64([q, -1, (h + 2) * wOut])]);
    const shifted = [0, 1, 2].map((j) => g.op('Reshape', [slice(g, byChannel, 2, j * wOut, j * wOut + l), g.constInt64([q, -1])]));
    for (const r of shifted) blocks.push(g.op('Gemm', [shifted[0], r], { transB: 1 }));
  }
  // The first and last real rows (padded rows 1 and H) as [2, q, n * Wout], each times itself.
  const ends = g.op('Concat', [slice(g, rowPatches, 2, 1, 2), slice(g, rowPatches, 2, h, h + 1)], { axis: 2 });
  const edges = g.op('Reshape', [g.op('Transpose', [ends], { perm: [2, 1, 0, 3] }), g.constInt64([2, q, -1])]);
  const edgeSums = g.op('MatMul', [edges, g.op('Transpose', [edges], { perm: [0, 2, 1] })]);
  blocks.push(g.op('Reshape', [edgeSums, g.constInt64([2 * q, q])]));
  return g.op('Concat', blocks, { axis: 0 });
}

/** Floats in a row-shift branch's packed output for a layer of `channels` inputs and kernel width `kw`. */
export const rowShiftPackedLength = (channels: number, kw: number): number => 5 * (channels * kw) ** 2;

/** The full Gram matrix [(c, i, a), (c', j, b)] (size 3*C*kw) from a row-shift branch's packed sums. */
export function unpackRowShift(packed: Float64Array, channels: number, kw: number): Float64Array {
  const q = channels * kw;
  const k = 3 * q;
  const top = 3 * q * q;
  const bottom = top + q * q;
  const full = new Float64Array(k * k);
  // Position in the full matrix of entry r = (c, a) of a q-sized block for kernel row i.
  const at = (r: number, i: number): number => Math.floor(r / kw) * 3 * kw + i * kw + (r % kw);
  const rowAt = [0, 1, 2].map((i) => Int32Array.from({ length: q }, (_, r) => at(r, i)));
  for (let r = 0; r < q; r++) {
    for (let col = 0; col < q; col++) {
      const b0 = packed[r * q + col];
      const b1 = packed[q * q + r * q + col];
      const b2 = packed[2 * q * q + r * q + col];
      const b11 = b0 + packed[bottom + r * q + col];
      const b22 = b11 - packed[top + r * q + col];
      const [r0, r1, r2] = [rowAt[0][r] * k, rowAt[1][r] * k, rowAt[2][r] * k];
      const [c0, c1, c2] = [rowAt[0][col], rowAt[1][col], rowAt[2][col]];
      full[r0 + c0] = b0;
      full[r0 + c1] = b1;
      full[r0 + c2] = b2;
      full[r1 + c1] = b11;
      full[r1 + c2] = b1; // (1, 2) = (0, 1)
      full[r2 + c2] = b22;
      // Mirrored blocks: (j, i)[col, r] = (i, j)[r, col].
      const [t1, t2] = [c1 * k, c2 * k];
      full[t1 + rowAt[0][r]] = b1;
      full[t2 + rowAt[0][r]] = b2;
      full[t2 + rowAt[1][r]] = b1;
    }
  }
  return full;
}

/** Adds the Gram branch of a conv layer reading tensor `x` [n, C, ...spatial]. */
export function convGramBranch(g: GraphBuilder, x: string, geo: ConvGeometry, form: ConvGramForm = 'batch'): GramBranch {
  if (rowShiftApplies(geo)) return { gram: rowShiftGram(g, x, geo, form) };
  const patch = geo.kernel.reduce((a, b) => a * b, 1);
  const onehot = new Float32Array(geo.channels * patch * patch);
  for (let c = 0; c < geo.channels; c++) for (let p = 0; p < patch; p++) onehot[(c * patch + p) * patch + p] = 1;
  const kernel = g.constFloat([geo.channels * patch, 1, ...geo.kernel], onehot);
  const attrs: Record<string, number | number[] | string> = { group: geo.channels, kernel_shape: geo.kernel, strides: geo.strides, dilations: geo.dilations };
  if (geo.pads) attrs.pads = geo.pads;
  else attrs.auto_pad = geo.autoPad;
  // A 1x1 kernel with stride 1 and no padding sees the input itself: no gathering needed
  // (MobileNetV2's pointwise layers; the gathering conv was a third of its Gram pass).
  const pointwise = patch === 1 && geo.strides.every((s) => s === 1) && (geo.pads ? geo.pads.every((p) => p === 0) : true);
  const patches = pointwise ? x : g.op('Conv', [x, kernel], attrs);
  const kg = (geo.channels / geo.groups) * patch;
  const split = g.op('Reshape', [patches, g.constInt64([0, geo.groups, kg, -1])]);
  if (form === 'sample') {
    const perSample = g.op('MatMul', [split, g.op('Transpose', [split], { perm: [0, 1, 3, 2] })]);
    return { gram: sumFirst(g, perSample) };
  }
  if (geo.groups === 1) {
    const cols = g.op('Reshape', [g.op('Transpose', [split], { perm: [1, 2, 0, 3] }), g.constInt64([kg, -1])]);
    return { gram: g.op('Gemm', [cols, cols], { transB: 1 }) };
  }
  const xs = g.op('Reshape', [g.op('Transpose', [split], { perm: [1, 2, 0, 3] }), g.constInt64([geo.groups, kg, -1])]);
  return { gram: g.op('MatMul', [xs, g.op('Transpose', [xs], { perm: [0, 2, 1] })]) };
}

/** Adds the Gram branch of a Gemm/MatMul layer reading tensor `x` ([..., K], or [K, M] with transA). */
export function denseGramBranch(g: GraphBuilder, x: string, geo: DenseGeometry): GramBranch {
  if (geo.transA) return { gram: g.op('MatMul', [x, g.op('Transpose', [x], { perm: [1, 0] })]) };
  const rows = g.op('Reshape', [x, g.constInt64([-1, geo.features])]);
  return { gram: g.op('MatMul', [g.op('Transpose', [rows], { perm: [1, 0] }), rows]) };
}

/** Session for one layer's Gram matrices; input "x", output "gram" (see GramBranch). */
export function gramSession(geo: { conv: ConvGeometry } | { dense: DenseGeometry }, form?: ConvGramForm): Promise<ort.InferenceSession> {
  const g = new GraphBuilder();
  const x = g.input('x', null);
  const branch = 'conv' in geo ? convGramBranch(g, x, geo.conv, form) : denseGramBranch(g, x, geo.dense);
  return g.session({ gram: branch.gram });
}
