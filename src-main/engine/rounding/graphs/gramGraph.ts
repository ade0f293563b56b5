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

/** Adds the Gram branch of a conv layer reading tensor `x` [n, C, ...spatial]. */
export function convGramBranch(g: GraphBuilder, x: string, geo: ConvGeometry, form: ConvGramForm = 'batch'): GramBranch {
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
