/**
 * Views of a dataset: a contiguous slice, or a seeded shuffled selection. Calibration and
 * validation take disjoint views of one dataset so they never share a sample.
 */
import { BitbenchError } from '../../api/errors.js';
import { combineHashes, IndexedDataset, type Dataset, type SampleBlock } from './dataset.js';

/** A dataset that reads the samples of `parent` at a fixed list of indices. */
class IndexMapDataset extends IndexedDataset {
  readonly size: number;
  readonly sampleDims: number[];
  readonly hasLabels: boolean;
  readonly numClasses: number | null;

  constructor(
    private readonly parent: IndexedDataset,
    private readonly map: Int32Array,
    readonly name: string,
    readonly sha256: string,
  ) {
    super();
    this.size = map.length;
    this.sampleDims = parent.sampleDims;
    this.hasLabels = parent.hasLabels;
    this.numClasses = parent.numClasses;
  }

  readSamples(indices: ArrayLike<number>): Promise<SampleBlock> {
    const mapped = new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) mapped[k] = this.map[indices[k]];
    return this.parent.readSamples(mapped);
  }
}

function asIndexed(dataset: Dataset): IndexedDataset {
  if (dataset instanceof IndexedDataset) return dataset;
  throw new BitbenchError('INTERNAL', `Dataset "${dataset.name}" does not support random access, so it cannot be sliced.`, 'Open datasets with openDataset.');
}

function checkRange(dataset: Dataset, start: number, count: number): void {
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 1 || start + count > dataset.size) {
    throw new BitbenchError(
      'INVALID_DATASET',
      `Cannot take ${count} samples from ${start} of dataset "${dataset.name}", which has ${dataset.size}.`,
      'Ask for fewer samples (e.g. a smaller --limit) or use a larger dataset.',
    );
  }
}

/** Samples [start, start+count) of `dataset`, as a dataset of its own. */
export function subset(dataset: Dataset, start: number, count: number): Dataset {
  checkRange(dataset, start, count);
  const map = new Int32Array(count);
  for (let i = 0; i < count; i++) map[i] = start + i;
  return new IndexMapDataset(asIndexed(dataset), map, `${dataset.name}[${start}:${start + count}]`, combineHashes([dataset.sha256, 'slice', String(start), String(count)]));
}

/** Mulberry32: a tiny, well-mixed 32-bit generator; enough for reproducible shuffles. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The dataset's indices in an order fixed by `seed` (Fisher-Yates). */
export function shuffledIndices(size: number, seed: number): Int32Array {
  const rand = mulberry32(seed);
  const order = new Int32Array(size);
  for (let i = 0; i < size; i++) order[i] = i;
  for (let i = size - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/**
 * Positions [start, start+count) of the dataset shuffled by `seed`. Two calls with the same seed
 * and non-overlapping ranges give disjoint samples, which is how calibration and validation split.
 */
export function shuffledSubset(dataset: Dataset, seed: number, start: number, count: number): Dataset {
  checkRange(dataset, start, count);
  const map = shuffledIndices(dataset.size, seed).slice(start, start + count);
  return new IndexMapDataset(asIndexed(dataset), map, `${dataset.name}[shuffle ${seed}: ${start}+${count}]`, combineHashes([dataset.sha256, 'shuffle', String(seed), String(start), String(count)]));
}
