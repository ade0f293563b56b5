/**
 * Datasets stored as NumPy arrays: `npy:inputs.npy[:labels.npy]` or `npy:data.npz` (arrays named
 * x/y, inputs/labels, images/labels or arr_0/arr_1). Arrays of rank 3 ([N,H,W], gray) and of rank 4
 * with 1 or 3 channels (in the declared layout) are images and get the full preprocessing; any
 * other rank is a plain tensor, for which only scale and a single mean/std apply.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { BitbenchError } from '../../api/errors.js';
import { combineHashes, IndexedDataset, sha256Hex, type SampleBlock } from './dataset.js';
import { parseNpy, type NpyArray } from './npy.js';
import { PixelPipeline, preprocessKey, resolvePreprocess, type Preprocess, type ResolvedPreprocess } from './preprocess.js';
import { readZipEntries } from './zip.js';

const INPUT_NAMES = ['x', 'inputs', 'input', 'images', 'data', 'arr_0'];
const LABEL_NAMES = ['y', 'labels', 'label', 'targets', 'arr_1'];

async function readBytes(file: string, what: string): Promise<Uint8Array> {
  if (!existsSync(file)) throw new BitbenchError(what === 'labels' ? 'LABELS_MISSING' : 'INVALID_DATASET', `The ${what} file ${file} does not exist.`, 'Check the path in the npy: spec.');
  return readFile(file);
}

/** Picks the input and label arrays of an NPZ archive by their conventional names. */
function pickNpzArrays(entries: Map<string, Uint8Array>, file: string): { inputs: NpyArray; labels: NpyArray | null } {
  const names = [...entries.keys()].map((n) => n.replace(/\.npy$/, ''));
  const get = (candidates: string[]): NpyArray | null => {
    const name = candidates.find((c) => entries.has(`${c}.npy`));
    return name ? parseNpy(entries.get(`${name}.npy`)!, `${file}/${name}.npy`) : null;
  };
  const inputs = get(INPUT_NAMES) ?? (names.length === 1 ? parseNpy(entries.values().next().value!, `${file}/${names[0]}`) : null);
  if (!inputs) {
    throw new BitbenchError('INVALID_DATASET', `${file} holds arrays [${names.join(', ')}] but none is named as the inputs.`, `Name the input array one of ${INPUT_NAMES.join(', ')} (and labels ${LABEL_NAMES.join(', ')}).`);
  }
  return { inputs, labels: get(LABEL_NAMES) };
}

/** Labels as Int32 class indices; integer dtypes of rank 1 (or [N, 1]). */
function toLabels(arr: NpyArray, file: string, expected: number): Int32Array {
  if (!/^[iub]/.test(arr.dtype)) throw new BitbenchError('INVALID_DATASET', `Labels ${file} have dtype ${arr.dtype}; class indices must be integers.`, 'Save labels as int64, int32 or uint8.');
  if (!(arr.shape.length === 1 || (arr.shape.length === 2 && arr.shape[1] === 1))) {
    throw new BitbenchError('INVALID_DATASET', `Labels ${file} have shape (${arr.shape.join(', ')}); expected one class index per sample.`, 'Save labels as a 1-D array of class indices (not one-hot).');
  }
  if (arr.shape[0] !== expected) throw new BitbenchError('INVALID_DATASET', `Labels ${file} hold ${arr.shape[0]} entries but the inputs have ${expected} samples.`, 'Use the labels that belong to these inputs.');
  const out = new Int32Array(expected);
  for (let i = 0; i < expected; i++) {
    const v = Number(arr.data[i]);
    if (v < 0 || v > 1e6) throw new BitbenchError('INVALID_DATASET', `Labels ${file} contain ${v} at ${i}; class indices start at 0.`, 'Save labels as class indices 0..K-1.');
    out[i] = v;
  }
  return out;
}

/** How one sample of the input array maps to the model input. */
type SampleReader = { sampleDims: number[]; sampleLength: number; write(data: ArrayLike<number>, index: number, out: Float32Array, offset: number): void };

function imageReader(shape: number[], pre: ResolvedPreprocess): SampleReader | null {
  const s = shape.slice(1);
  let h: number, w: number, c: number, planar: boolean;
  if (s.length === 2) [h, w, c, planar] = [s[0], s[1], 1, false];
  else if (s.length === 3 && pre.layout === 'nchw' && (s[0] === 1 || s[0] === 3)) [c, h, w, planar] = [s[0], s[1], s[2], true];
  else if (s.length === 3 && pre.layout === 'nhwc' && (s[2] === 1 || s[2] === 3)) [h, w, c, planar] = [s[0], s[1], s[2], false];
  else return null;
  const pipeline = new PixelPipeline(pre, h, w, c as 1 | 3);
  const len = h * w * c;
  const hwc = new Float32Array(len);
  return {
    sampleDims: pipeline.sampleDims,
    sampleLength: pipeline.sampleLength,
    write(data, index, out, offset) {
      const base = index * len;
      if (planar) {
        for (let ch = 0; ch < c; ch++) for (let i = 0; i < h * w; i++) hwc[i * c + ch] = data[base + ch * h * w + i];
      } else {
        for (let i = 0; i < len; i++) hwc[i] = data[base + i];
      }
      pipeline.write(hwc, out, offset);
    },
  };
}

function tensorReader(shape: number[], pre: ResolvedPreprocess, given: Preprocess | undefined, file: string): SampleReader {
  const sampleDims = shape.slice(1);
  if (given?.resize || given?.channels || (given?.mean && given.mean.length > 1) || (given?.std && given.std.length > 1)) {
    throw new BitbenchError(
      'INVALID_DATASET',
      `${file} has samples of shape (${sampleDims.join(', ')}), which are not images in the declared layout ${pre.layout}; resize, channels and per-channel mean/std do not apply.`,
      'Store images as [N,H,W], [N,C,H,W] (nchw) or [N,H,W,C] (nhwc) with 1 or 3 channels, or drop those options.',
    );
  }
  const sampleLength = sampleDims.reduce((a, b) => a * b, 1);
  const mul = pre.scale / pre.std[0];
  const add = -pre.mean[0] / pre.std[0];
  return {
    sampleDims,
    sampleLength,
    write(data, index, out, offset) {
      const base = index * sampleLength;
      for (let i = 0; i < sampleLength; i++) out[offset + i] = data[base + i] * mul + add;
    },
  };
}

/** Inputs (and optional labels) held as NumPy arrays in memory, preprocessed per batch. */
export class NpyDataset extends IndexedDataset {
  readonly size: number;
  readonly sampleDims: number[];
  readonly hasLabels: boolean;
  readonly numClasses: number | null;

  private constructor(
    readonly name: string,
    readonly sha256: string,
    private readonly data: ArrayLike<number>,
    private readonly labels: Int32Array | null,
    private readonly reader: SampleReader,
    size: number,
  ) {
    super();
    this.size = size;
    this.sampleDims = reader.sampleDims;
    this.hasLabels = labels !== null;
    this.numClasses = labels ? labels.reduce((m, v) => Math.max(m, v + 1), 0) : null;
  }

  /** Opens `file` (.npy or .npz) with an optional separate labels `.npy`. */
  static async open(file: string, labelsFile: string | null, preprocess?: Preprocess): Promise<NpyDataset> {
    const bytes = await readBytes(file, 'inputs');
    const isZip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
    let inputs: NpyArray;
    let labelsArr: NpyArray | null = null;
    let labelsName = file;
    const hashes = [sha256Hex(bytes)];
    if (isZip) ({ inputs, labels: labelsArr } = pickNpzArrays(readZipEntries(bytes, file), file));
    else inputs = parseNpy(bytes, file);
    if (labelsFile) {
      const lb = await readBytes(labelsFile, 'labels');
      hashes.push(sha256Hex(lb));
      labelsArr = parseNpy(lb, labelsFile);
      labelsName = labelsFile;
    }
    if (inputs.shape.length < 2) throw new BitbenchError('INVALID_DATASET', `${file} has shape (${inputs.shape.join(', ')}); expected [samples, ...].`, 'Store one sample per row of the first axis.');
    if (inputs.dtype === 'i8' || inputs.dtype === 'u8') throw new BitbenchError('INVALID_DATASET', `${file} holds 64-bit integers as inputs.`, 'Save inputs as float32 or uint8.');
    const size = inputs.shape[0];
    if (size === 0) throw new BitbenchError('INVALID_DATASET', `${file} holds no samples.`, 'Use a non-empty array.');
    const pre = resolvePreprocess(preprocess, { channels: inputs.shape.length === 4 && (inputs.shape[1] === 3 || inputs.shape[3] === 3) ? 'rgb' : 'gray', defaultScale: inputs.dtype === 'u1' ? 1 / 255 : 1 });
    const reader = imageReader(inputs.shape, pre) ?? tensorReader(inputs.shape, pre, preprocess, file);
    const labels = labelsArr ? toLabels(labelsArr, labelsName, size) : null;
    const sha = combineHashes(['npy', ...hashes, preprocessKey(pre)]);
    return new NpyDataset(`npy:${basename(file)}`, sha, inputs.data as ArrayLike<number>, labels, reader, size);
  }

  async readSamples(indices: ArrayLike<number>): Promise<SampleBlock> {
    const n = indices.length;
    const len = this.reader.sampleLength;
    const input = new Float32Array(n * len);
    const labels = this.labels ? new Int32Array(n) : null;
    for (let k = 0; k < n; k++) {
      this.reader.write(this.data, indices[k], input, k * len);
      if (labels) labels[k] = this.labels![indices[k]];
    }
    return { input, labels };
  }
}
