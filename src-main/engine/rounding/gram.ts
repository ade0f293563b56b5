/**
 * Gram matrices H = mean(x x^T) of a layer's inputs, the only statistic of the calibration data
 * AdaRound and GPTQ need for a linear or convolutional layer: ||W X - W' X||^2 = tr(D H D^T) * samples
 * with D = W - W'. Computed in onnxruntime, streamed over batches, accumulated in float64.
 */
import { BitbenchError } from '../../api/errors.js';
import type * as ort from 'onnxruntime-node';
import { convGramSession, denseGramSession, type ConvGeometry } from './graphs/gramGraph.js';
import { floatTensor } from './graphs/graphBuilder.js';
import type { GramMatrices } from './layout.js';

/** What layerGram needs to know of a layer. */
export interface RoundingLayer {
  op: string;
  weightDims: number[];
  /** ONNX attributes as plain values (numbers, number arrays, strings). */
  attrs: Record<string, unknown>;
}

// Largest patch tensor one run materialises (floats); bounds memory at about 64 MB.
const MAX_CHUNK_FLOATS = 16 * 1024 * 1024;

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

/** Accumulates Gram matrices of one layer's inputs over any number of batches. */
export class GramAccumulator {
  private session: Promise<ort.InferenceSession> | null = null;
  private sum: Float64Array | null = null;
  private count = 0;
  readonly groups: number;
  readonly size: number;
  private readonly geometry: ConvGeometry | null;

  constructor(readonly layer: RoundingLayer) {
    const { op, weightDims } = layer;
    if (op === 'Conv') {
      if (weightDims.length < 3) throw new BitbenchError('SHAPE_MISMATCH', `Conv weight [${weightDims}] has no spatial dimensions.`, 'Pass the Conv weight shape [O, I/g, kh, kw].');
      this.geometry = convGeometry(layer);
      this.groups = this.geometry.groups;
      this.size = weightDims.slice(1).reduce((a, b) => a * b, 1);
    } else if (op === 'Gemm' || op === 'MatMul') {
      if (weightDims.length !== 2) throw new BitbenchError('SHAPE_MISMATCH', `${op} weight [${weightDims}] is not a matrix.`, 'Rounding handles 2-D Gemm/MatMul weights.');
      this.geometry = null;
      this.groups = 1;
      const transB = op === 'Gemm' && Number(layer.attrs.transB ?? 0) === 1;
      this.size = transB ? weightDims[1] : weightDims[0];
    } else {
      throw new BitbenchError('UNSUPPORTED_OP', `Rounding (AdaRound/GPTQ) does not handle ${op} layers.`, 'Use nearest rounding for this layer, or quantize only Conv, Gemm and MatMul layers with AdaRound/GPTQ.');
    }
  }

  /** Adds a batch of the layer's inputs: [N, C, ...spatial] for Conv, [..., K] for Gemm/MatMul. */
  async add(input: Float32Array, dims: number[]): Promise<void> {
    const total = dims.reduce((a, b) => a * b, 1);
    if (total !== input.length) throw new BitbenchError('SHAPE_MISMATCH', `Layer input has ${input.length} values but shape [${dims}] needs ${total}.`, 'Pass the input with its own shape.');
    this.sum ??= new Float64Array(this.groups * this.size * this.size);
    if (this.geometry) await this.addConv(input, dims, this.geometry);
    else await this.addDense(input, dims);
  }

  private async run(x: Float32Array, dims: number[]): Promise<Float32Array> {
    this.session ??= this.geometry ? convGramSession(this.geometry) : denseGramSession();
    const result = await (await this.session).run({ x: floatTensor(x, dims) });
    return result.gram.data as Float32Array;
  }

  private async addConv(input: Float32Array, dims: number[], geo: ConvGeometry): Promise<void> {
    if (dims.length !== geo.kernel.length + 2 || dims[1] !== geo.channels) {
      throw new BitbenchError('SHAPE_MISMATCH', `Conv input [${dims}] does not fit a weight reading ${geo.channels} channels over ${geo.kernel.length} spatial dimension(s).`, 'Capture the input tensor of this same Conv layer.');
    }
    const n = dims[0];
    const spatial = dims.slice(2).reduce((a, b) => a * b, 1);
    const perSample = geo.channels * geo.kernel.reduce((a, b) => a * b, 1) * spatial;
    // The graph materialises each sample's patches and each sample's Gram matrices.
    const chunk = Math.max(1, Math.floor(MAX_CHUNK_FLOATS / Math.max(perSample, this.groups * this.size * this.size)));
    const sampleLen = dims[1] * spatial;
    for (let s = 0; s < n; s += chunk) {
      const m = Math.min(chunk, n - s);
      const gram = await this.run(input.subarray(s * sampleLen, (s + m) * sampleLen), [m, ...dims.slice(1)]);
      for (let i = 0; i < gram.length; i++) this.sum![i] += gram[i];
    }
    // Each output position is one input vector: n * L of them, L = number of output positions.
    this.count += n * this.outputPositions(dims, geo);
  }

  private outputPositions(dims: number[], geo: ConvGeometry): number {
    let positions = 1;
    for (let d = 0; d < geo.kernel.length; d++) {
      const size = dims[2 + d];
      const span = geo.dilations[d] * (geo.kernel[d] - 1) + 1;
      const out = geo.pads ? Math.floor((size + geo.pads[d] + geo.pads[d + geo.kernel.length] - span) / geo.strides[d]) + 1 : geo.autoPad === 'VALID' ? Math.floor((size - span) / geo.strides[d]) + 1 : Math.ceil(size / geo.strides[d]);
      positions *= out;
    }
    return positions;
  }

  private async addDense(input: Float32Array, dims: number[]): Promise<void> {
    const transA = this.layer.op === 'Gemm' && Number(this.layer.attrs.transA ?? 0) === 1;
    const k = this.size;
    let rows: Float32Array = input;
    if (transA) {
      // A is [K, M]: the input vectors are its columns.
      if (dims.length !== 2 || dims[0] !== k) throw new BitbenchError('SHAPE_MISMATCH', `Gemm (transA) input [${dims}] does not have ${k} rows.`, 'Capture the input tensor of this same layer.');
      const m = dims[1];
      rows = new Float32Array(input.length);
      for (let i = 0; i < k; i++) for (let j = 0; j < m; j++) rows[j * k + i] = input[i * m + j];
    } else if (dims[dims.length - 1] !== k) {
      throw new BitbenchError('SHAPE_MISMATCH', `${this.layer.op} input [${dims}] does not end in ${k} features.`, 'Capture the input tensor of this same layer.');
    }
    const m = rows.length / k;
    const chunk = Math.max(1, Math.floor(MAX_CHUNK_FLOATS / k));
    for (let s = 0; s < m; s += chunk) {
      const c = Math.min(chunk, m - s);
      const gram = await this.run(rows.subarray(s * k, (s + c) * k), [c, k]);
      for (let i = 0; i < gram.length; i++) this.sum![i] += gram[i];
    }
    this.count += m;
  }

  /** The averaged Gram matrices so far. */
  result(): GramMatrices {
    if (!this.sum || this.count === 0) throw new BitbenchError('INVALID_DATASET', 'No calibration inputs reached this layer, so its Gram matrix is empty.', 'Pass at least one calibration batch.');
    const data = Float64Array.from(this.sum, (v) => v / this.count);
    return { groups: this.groups, size: this.size, data, samples: this.count };
  }

  /** Frees the onnxruntime session. */
  async release(): Promise<void> {
    if (this.session) await (await this.session).release();
    this.session = null;
  }
}

/**
 * Gram matrices X^T X (averaged) of a layer's inputs: activations [N, C, H, W] for Conv (im2col
 * patches with the layer's kernel, strides, pads and dilations; one matrix per group), [N, K] or
 * [N, T, K] for Gemm/MatMul.
 */
export async function layerGram(input: Float32Array, dims: number[], layer: RoundingLayer): Promise<GramMatrices> {
  const acc = new GramAccumulator(layer);
  try {
    await acc.add(input, dims);
    return acc.result();
  } finally {
    await acc.release();
  }
}
