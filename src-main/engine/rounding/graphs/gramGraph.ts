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
 * Dense (Gemm, MatMul): X [..., K] -> Reshape [M, K] -> MatMul(X^T, X) = H [K, K]; a Gemm with
 * transA reads A [K, M] and gets MatMul(A, A^T), with no transpose in JS.
 *
 * Every branch also outputs how many input vectors it summed (float, exact below 2^24), so a
 * caller that never sees the layer's input still knows what to divide by.
 */
import type * as ort from 'onnxruntime-node';
import { DataType } from '../../onnx/schema.js';
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
}

/** How a dense layer reads its input: rows of K features, or (Gemm transA) columns of a [K, M] matrix. */
export interface DenseGeometry {
  features: number;
  transA: boolean;
}

/** Names of a branch's outputs: the summed Gram matrices and the number of vectors summed. */
export interface GramBranch {
  /** [G, K, K] (conv) or [K, K] (dense): sum over the batch's vectors of x x^T, not averaged. */
  gram: string;
  /** [1] float: the number of vectors in the sum. */
  vectors: string;
}

/** Dimension `axis` of `tensor` as a float [1] tensor. */
function dimension(g: GraphBuilder, tensor: string, axis: number): string {
  const dim = g.op('Gather', [g.op('Shape', [tensor]), g.constInt64([axis])], { axis: 0 });
  return g.op('Cast', [dim], { to: DataType.FLOAT });
}

/**
 * How a conv branch multiplies: 'batch' puts all the batch's patches through one product per group
 * (best when a sample has few output positions, L < K), 'sample' makes one product per sample and
 * sums them (no transpose of the patches; best when L >= K).
 */
export type ConvGramForm = 'batch' | 'sample';

/**
 * Whether a conv's Gram matrix can be had from row shifts (rowShiftGramBranch): 2-D, one group,
 * stride and dilation 1, explicit pads, a kernel taller than one row.
 */
export function rowShiftable(geo: ConvGeometry, opset: number): boolean {
  return (
    opset >= 10 &&
    geo.kernel.length === 2 &&
    geo.kernel[0] > 1 &&
    geo.groups === 1 &&
    geo.strides.every((v) => v === 1) &&
    geo.dilations.every((v) => v === 1) &&
    geo.pads !== null &&
    geo.pads[0] < geo.kernel[0] &&
    geo.pads[2] < geo.kernel[0]
  );
}

const END = 2 ** 31;

/**
 * Gram branch of a stride-1 2-D conv from its rows, with a third (kh = 3) of the products of the
 * im2col form. Patch element (py, px) of output row y reads input row u = y + py - pt, so with R_u
 * the row-patches of input row u ([C*kw, n*OW]: only the kernel's horizontal offsets gathered) the
 * Gram block of kernel rows (py, py') is the sum over the output rows of R_u R_{u+d}^T, d = py' - py.
 * Away from the top and bottom edges that sum does not depend on py: it is
 *   G_d = sum over u in [0, H - d) of R_u R_{u+d}^T    (zero rows outside the input contribute nothing)
 * minus the single-row products of the rows the window of py leaves out (at most pt rows at the top
 * and kh-1-pb at the bottom). So one product per d in [0, kh) over the whole batch, a few one-row
 * products, and the blocks of d < 0 are transposes. Assembled into the [(c, py, px)] order of
 * the flattened weight.
 */
function rowShiftGramBranch(g: GraphBuilder, x: string, geo: ConvGeometry): GramBranch {
  const [kh, kw] = geo.kernel;
  const [pt, pl, pb, pr] = geo.pads!;
  const c = geo.channels;
  const onehot = new Float32Array(c * kw * kw);
  for (let ch = 0; ch < c; ch++) for (let p = 0; p < kw; p++) onehot[(ch * kw + p) * kw + p] = 1;
  const rows = kw === 1 && pl === 0 && pr === 0 ? x : g.op('Conv', [x, g.constFloat([c * kw, 1, 1, kw], onehot)], { group: c, kernel_shape: [1, kw], pads: [0, pl, 0, pr] });
  // [C*kw, n, H, OW]: a row range sliced on axis 2 and flattened is a [C*kw, vectors] matrix.
  const t = g.op('Transpose', [rows], { perm: [1, 0, 2, 3] });
  const rowsOf = (start: number, end: number): string => g.op('Reshape', [g.op('Slice', [t, g.constInt64([start]), g.constInt64([end]), g.constInt64([2])]), g.constInt64([c * kw, -1])]);
  // Row u counted from the top (u >= 0) or from the bottom (u < 0, as H + u).
  const row = (u: number): string => rowsOf(u, u === -1 ? END : u + 1);
  const product = (a: string, b: string): string => g.op('Gemm', [a, b], { transB: 1 });
  const shifted = Array.from({ length: kh }, (_, d) => product(rowsOf(0, d === 0 ? END : -d), rowsOf(d, END)));
  const blocks: string[] = [];
  for (let py = 0; py < kh; py++) {
    for (let py2 = 0; py2 < kh; py2++) {
      if (py2 < py) {
        blocks.push(g.op('Transpose', [blocks[py2 * kh + py]], { perm: [1, 0] }));
        continue;
      }
      const d = py2 - py;
      let block = shifted[d];
      // Rows at the top the window skips: u in [0, py - pt); at the bottom: u = H - j, j in (d, kh - 1 - py - pb].
      for (let u = 0; u < py - pt; u++) block = g.op('Sub', [block, product(row(u), row(u + d))]);
      for (let j = d + 1; j <= kh - 1 - py - pb; j++) block = g.op('Sub', [block, product(row(-j), row(-j + d))]);
      blocks.push(block);
    }
  }
  const stacked = g.op('Concat', blocks, { axis: 0 });
  const k = c * kh * kw;
  const gram = g.op('Reshape', [g.op('Transpose', [g.op('Reshape', [stacked, g.constInt64([kh, kh, c, kw, c, kw])])], { perm: [2, 0, 3, 4, 1, 5] }), g.constInt64([1, k, k])]);
  // Vectors: n * OH * OW with OH = H + pt + pb - kh + 1.
  const outRows = g.op('Add', [dimension(g, rows, 2), g.constFloat([1], [pt + pb - kh + 1])]);
  const vectors = g.op('Mul', [g.op('Mul', [dimension(g, rows, 0), dimension(g, rows, 3)]), outRows]);
  return { gram, vectors };
}

/** Adds the Gram branch of a conv layer reading tensor `x` [n, C, ...spatial]. */
export function convGramBranch(g: GraphBuilder, x: string, geo: ConvGeometry, form: ConvGramForm = 'batch'): GramBranch {
  if (rowShiftable(geo, g.opset)) return rowShiftGramBranch(g, x, geo);
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
  // Vectors: samples times positions, from the [n, G, Kg, L] shape.
  const vectors = g.op('Mul', [dimension(g, split, 0), dimension(g, split, 3)]);
  if (form === 'sample') {
    const perSample = g.op('MatMul', [split, g.op('Transpose', [split], { perm: [0, 1, 3, 2] })]);
    // ReduceSum takes its axes as an input from opset 13, as an attribute before.
    const sum = g.opset >= 13 ? g.op('ReduceSum', [perSample, g.constInt64([0])], { keepdims: 0 }) : g.op('ReduceSum', [perSample], { axes: [0], keepdims: 0 });
    return { gram: sum, vectors };
  }
  if (geo.groups === 1) {
    const cols = g.op('Reshape', [g.op('Transpose', [split], { perm: [1, 2, 0, 3] }), g.constInt64([kg, -1])]);
    return { gram: g.op('Gemm', [cols, cols], { transB: 1 }), vectors };
  }
  const xs = g.op('Reshape', [g.op('Transpose', [split], { perm: [1, 2, 0, 3] }), g.constInt64([geo.groups, kg, -1])]);
  return { gram: g.op('MatMul', [xs, g.op('Transpose', [xs], { perm: [0, 2, 1] })]), vectors };
}

/** Adds the Gram branch of a Gemm/MatMul layer reading tensor `x` ([..., K], or [K, M] with transA). */
export function denseGramBranch(g: GraphBuilder, x: string, geo: DenseGeometry): GramBranch {
  if (geo.transA) return { gram: g.op('MatMul', [x, g.op('Transpose', [x], { perm: [1, 0] })]), vectors: dimension(g, x, 1) };
  const rows = g.op('Reshape', [x, g.constInt64([-1, geo.features])]);
  return { gram: g.op('MatMul', [g.op('Transpose', [rows], { perm: [1, 0] }), rows]), vectors: dimension(g, rows, 0) };
}

/** Session for one layer's Gram matrices; input "x", outputs "gram" and "vectors" (see GramBranch). */
export function gramSession(geo: { conv: ConvGeometry } | { dense: DenseGeometry }, form?: ConvGramForm): Promise<ort.InferenceSession> {
  const g = new GraphBuilder();
  const x = g.input('x', null);
  const branch = 'conv' in geo ? convGramBranch(g, x, geo.conv, form) : denseGramBranch(g, x, geo.dense);
  return g.session({ gram: branch.gram, vectors: branch.vectors });
}
