/**
 * Gram matrices H = mean(x x^T) of a layer's inputs, the only statistic of the calibration data
 * AdaRound and GPTQ need for a linear or convolutional layer: ||W X - W' X||^2 = tr(D H D^T) * samples
 * with D = W - W'. Computed in onnxruntime (graphs/gramGraph.ts), summed over runs in float64.
 */
import { BitbenchError } from '../../api/errors.js';
import type * as ort from 'onnxruntime-node';
import { gramSession, rowShiftApplies, rowShiftPackedLength, unpackRowShift, type ConvGeometry, type ConvGramForm, type DenseGeometry } from './graphs/gramGraph.js';
import { floatTensor } from './graphs/graphBuilder.js';
import type { GramMatrices } from './layout.js';

/** What layerGram needs to know of a layer. */
export interface RoundingLayer {
  op: string;
  weightDims: number[];
  /** ONNX attributes as plain values (numbers, number arrays, strings). */
  attrs: Record<string, unknown>;
}

/** How a layer's inputs become Gram matrices: `groups` matrices of `size` x `size`, and the graph's geometry. */
export interface GramShape {
  groups: number;
  size: number;
  geometry: { conv: ConvGeometry } | { dense: DenseGeometry };
}

// Largest patch tensor one run materialises (floats); bounds memory at about 64 MB (twice that
// while the patches are transposed for the product).
export const MAX_PATCH_FLOATS = 16 * 1024 * 1024;

/**
 * Patch floats per run of the whole-model Gram pass (layerGrams.ts): runs small enough that a
 * layer's patches stay in cache between the gathering and the products. Measured batch sizes on
 * 256 images: ResNet-20 best at 16 (0.78 s against 1.05 s at 256), MobileNetV2 at 16 (0.55 s
 * against 0.68 s), the ViT at 256 (54 ms against 81 ms at 16, per-run overheads); 1.5M floats gives
 * them about 19, 13 and 94 samples per run.
 */
export const CACHED_PATCH_FLOATS = 1.5 * 1024 * 1024;

const ints = (v: unknown, fallback: number[]): number[] => (Array.isArray(v) ? v.map(Number) : v === undefined ? fallback : [Number(v)]);
const text = (v: unknown): string => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v ?? 'NOTSET'));

/** Convolution geometry from a Conv layer's weight shape and attributes. */
export function convGeometry(layer: RoundingLayer): ConvGeometry {
  const spatial = layer.weightDims.length - 2;
  const groups = Number(layer.attrs.group ?? 1);
  const kernel = ints(layer.attrs.kernel_shape, layer.weightDims.slice(2));
  const autoPad = text(layer.attrs.auto_pad);
  return {
    channels: layer.weightDims[1] * groups,
    groups,
    kernel,
    strides: ints(layer.attrs.strides, new Array<number>(spatial).fill(1)),
    dilations: ints(layer.attrs.dilations, new Array<number>(spatial).fill(1)),
    pads: autoPad === 'NOTSET' ? ints(layer.attrs.pads, new Array<number>(2 * spatial).fill(0)) : null,
    autoPad,
  };
}

/** The Gram matrices' shape and graph geometry of a Conv, Gemm or MatMul layer. */
export function gramShape(layer: RoundingLayer): GramShape {
  const { op, weightDims } = layer;
  if (op === 'Conv') {
    if (weightDims.length < 3) throw new BitbenchError('SHAPE_MISMATCH', `Conv weight [${weightDims}] has no spatial dimensions.`, 'Pass the Conv weight shape [O, I/g, kh, kw].');
    const conv = convGeometry(layer);
    return { groups: conv.groups, size: weightDims.slice(1).reduce((a, b) => a * b, 1), geometry: { conv } };
  }
  if (op === 'Gemm' || op === 'MatMul') {
    if (weightDims.length !== 2) throw new BitbenchError('SHAPE_MISMATCH', `${op} weight [${weightDims}] is not a matrix.`, 'Rounding handles 2-D Gemm/MatMul weights.');
    const transB = op === 'Gemm' && Number(layer.attrs.transB ?? 0) === 1;
    const features = transB ? weightDims[1] : weightDims[0];
    return { groups: 1, size: features, geometry: { dense: { features, transA: op === 'Gemm' && Number(layer.attrs.transA ?? 0) === 1 } } };
  }
  throw new BitbenchError('UNSUPPORTED_OP', `Rounding (AdaRound/GPTQ) does not handle ${op} layers.`, 'Use nearest rounding for this layer, or quantize only Conv, Gemm and MatMul layers with AdaRound/GPTQ.');
}

/**
 * Input vectors one sample gives the layer: output positions of a conv (from the input's spatial
 * size), rows of a dense layer. `dims` is the layer input's shape for a batch of one.
 */
export function vectorsPerSample(shape: GramShape, dims: number[]): number {
  const geo = shape.geometry;
  if ('dense' in geo) return geo.dense.transA ? (dims[1] ?? 1) : dims.reduce((a, b) => a * b, 1) / geo.dense.features;
  const { kernel, dilations, strides, pads, autoPad } = geo.conv;
  let positions = 1;
  for (let d = 0; d < kernel.length; d++) {
    const size = dims[2 + d];
    const span = dilations[d] * (kernel[d] - 1) + 1;
    positions *= pads ? Math.floor((size + pads[d] + pads[d + kernel.length] - span) / strides[d]) + 1 : autoPad === 'VALID' ? Math.floor((size - span) / strides[d]) + 1 : Math.ceil(size / strides[d]);
  }
  return positions;
}

/**
 * Records the spatial size of the layer's input ([1, C, ...] or any batch: dims[2...]) in its conv
 * geometry, which the row-shift product needs; dense shapes are left as they are.
 */
export function setInputSize(shape: GramShape, dims: number[]): void {
  if ('conv' in shape.geometry) shape.geometry.conv.inputSize = dims.slice(2);
}

/** The conv geometry when the layer takes the row-shift product (gramGraph.ts), else null. */
function rowShiftOf(shape: GramShape): ConvGeometry | null {
  const conv = 'conv' in shape.geometry ? shape.geometry.conv : null;
  return conv && rowShiftApplies(conv) ? conv : null;
}

/** Input vectors in one run on `dims` (the layer input's shape in that run). */
export function vectorsInRun(shape: GramShape, dims: number[]): number {
  const geo = shape.geometry;
  if ('dense' in geo) return vectorsPerSample(shape, dims);
  return dims[0] * vectorsPerSample(shape, dims);
}

/**
 * The faster conv branch form for a layer whose samples give `positions` vectors: one product per
 * sample once a sample has at least as many positions as the matrix has rows (its product then
 * writes no more than it reads), else one product over the whole batch. Measured on ResNet-20 and
 * MobileNetV2 layers (K=576/L=49: batch 1.4x faster; K=144/L=784 and depthwise: sample 1.1-1.8x).
 */
export function convFormFor(shape: GramShape, positions: number): ConvGramForm {
  // The row-shift products are a third as wide (3x3 kernels: C*3 rows).
  const rows = rowShiftOf(shape) ? shape.size / 3 : shape.size;
  return positions >= rows ? 'sample' : 'batch';
}

/** Floats of the largest tensor a layer's Gram branch gathers for one sample giving `positions` vectors. */
export function patchFloatsPerSample(shape: GramShape, positions: number): number {
  const conv = rowShiftOf(shape);
  if (conv) {
    // Horizontal patches of the padded rows (C*kw values at (H+2) * Wout positions), and beside
    // them their three row-shifted copies: counted twice, as the im2col was with its transpose.
    const h = conv.inputSize![0];
    return 2 * (shape.size / 3) * (positions / h) * (h + 2);
  }
  return positions * shape.groups * shape.size;
}

/** Checks a captured input against the layer; returns how many samples (leading rows) it holds and the floats of one. */
function checkInput(layer: RoundingLayer, shape: GramShape, input: Float32Array, dims: number[]): { count: number; sampleLength: number } {
  const total = dims.reduce((a, b) => a * b, 1);
  if (total !== input.length) throw new BitbenchError('SHAPE_MISMATCH', `Layer input has ${input.length} values but shape [${dims}] needs ${total}.`, 'Pass the input with its own shape.');
  const geo = shape.geometry;
  if ('conv' in geo) {
    if (dims.length !== geo.conv.kernel.length + 2 || dims[1] !== geo.conv.channels) {
      throw new BitbenchError('SHAPE_MISMATCH', `Conv input [${dims}] does not fit a weight reading ${geo.conv.channels} channels over ${geo.conv.kernel.length} spatial dimension(s).`, 'Capture the input tensor of this same Conv layer.');
    }
    return { count: dims[0], sampleLength: total / Math.max(1, dims[0]) };
  }
  const k = geo.dense.features;
  if (geo.dense.transA) {
    // A is [K, M]: the input vectors are its columns, so the whole matrix goes in one run.
    if (dims.length !== 2 || dims[0] !== k) throw new BitbenchError('SHAPE_MISMATCH', `Gemm (transA) input [${dims}] does not have ${k} rows.`, 'Capture the input tensor of this same layer.');
    return { count: 1, sampleLength: total };
  }
  if (dims[dims.length - 1] !== k) throw new BitbenchError('SHAPE_MISMATCH', `${layer.op} input [${dims}] does not end in ${k} features.`, 'Capture the input tensor of this same layer.');
  return { count: total / k, sampleLength: k };
}

/** Sums of Gram matrices and vector counts over runs, in float64. */
export class GramSum {
  readonly groups: number;
  readonly size: number;
  private readonly sum: Float64Array;
  private vectors = 0;
  /** For a row-shift branch (gramGraph.ts), its packed sums are laid out once, at the end. */
  private readonly rowShift: ConvGeometry | null;

  constructor(shape: GramShape) {
    this.groups = shape.groups;
    this.size = shape.size;
    this.rowShift = rowShiftOf(shape);
    this.sum = new Float64Array(this.rowShift ? rowShiftPackedLength(this.rowShift.channels, this.rowShift.kernel[1]) : shape.groups * shape.size * shape.size);
  }

  /** Adds one run's outputs: the summed Gram matrices (or packed sums) and the number of vectors they cover. */
  add(gram: Float32Array, vectors: number): void {
    const sum = this.sum;
    if (gram.length !== sum.length) throw new BitbenchError('INTERNAL', `A Gram branch gave ${gram.length} values where ${sum.length} were expected.`);
    for (let i = 0; i < sum.length; i++) sum[i] += gram[i];
    this.vectors += vectors;
  }

  /** The averaged Gram matrices so far. */
  result(): GramMatrices {
    if (this.vectors === 0) throw new BitbenchError('INVALID_DATASET', 'No calibration inputs reached this layer, so its Gram matrix is empty.', 'Pass at least one calibration batch.');
    const data = this.rowShift ? unpackRowShift(this.sum, this.rowShift.channels, this.rowShift.kernel[1]) : this.sum.slice();
    // A plain loop: Float64Array.from with a map function took a quarter of a second on ResNet-20's grams.
    const inverse = 1 / this.vectors;
    for (let i = 0; i < data.length; i++) data[i] *= inverse;
    return { groups: this.groups, size: this.size, data, samples: this.vectors };
  }
}

/**
 * Gram matrices X^T X (averaged) of a layer's inputs: activations [N, C, H, W] for Conv (im2col
 * patches with the layer's kernel, strides, pads and dilations; one matrix per group), [N, K] or
 * [N, T, K] for Gemm/MatMul. For many layers over a dataset, collectLayerStatistics is the fast path.
 */
export async function layerGram(input: Float32Array, dims: number[], layer: RoundingLayer): Promise<GramMatrices> {
  const shape = gramShape(layer);
  const { count, sampleLength } = checkInput(layer, shape, input, dims);
  setInputSize(shape, dims);
  const sum = new GramSum(shape);
  const session: ort.InferenceSession = await gramSession(shape.geometry, convFormFor(shape, vectorsPerSample(shape, [1, ...dims.slice(1)])));
  try {
    // A conv sample becomes its patches: about kh*kw times its own size.
    const expansion = 'conv' in shape.geometry ? shape.geometry.conv.kernel.reduce((a, b) => a * b, 1) : 1;
    const chunk = Math.max(1, Math.floor(MAX_PATCH_FLOATS / (sampleLength * expansion)));
    for (let s = 0; s < count; s += chunk) {
      const m = Math.min(chunk, count - s);
      const part = input.subarray(s * sampleLength, (s + m) * sampleLength);
      const partDims = 'conv' in shape.geometry ? [m, ...dims.slice(1)] : shape.geometry.dense.transA ? dims : [m, sampleLength];
      const out = await session.run({ x: floatTensor(part, partDims) });
      sum.add(out.gram.data as Float32Array, vectorsInRun(shape, partDims));
    }
  } finally {
    await session.release();
  }
  return sum.result();
}
