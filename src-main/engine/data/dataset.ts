/**
 * What every data source looks like to the engine: a fixed-size, indexable set of samples that is
 * read in batches, lazily, so a 60k-image split never sits in memory as Float32.
 */
import { createHash } from 'node:crypto';
import { BitbenchError } from '../../api/errors.js';

/** One batch of preprocessed samples, ready to feed a model input. */
export interface Batch {
  /** The samples, contiguous, in the layout of `dims`. */
  input: Float32Array;
  /** `[n, ...sampleDims]`. */
  dims: number[];
  /** Class index per sample, or null when the dataset has no labels. */
  labels: Int32Array | null;
  /** Index of the first sample of this batch within the dataset. */
  start: number;
}

/** A dataset as the engine consumes it. */
export interface Dataset {
  readonly name: string;
  readonly size: number;
  readonly sampleDims: number[];
  readonly hasLabels: boolean;
  readonly numClasses: number | null;
  /** Content hash of the underlying files plus the preprocessing (and the slice, for subsets). */
  readonly sha256: string;
  batches(options: { batchSize: number; start?: number; count?: number }): AsyncIterable<Batch>;
}

/** Samples read by index: the preprocessed tensors and the labels (null without labels). */
export interface SampleBlock {
  input: Float32Array;
  labels: Int32Array | null;
}

/**
 * Base of every concrete dataset: subclasses read samples by index; this class turns that into
 * batches and validates ranges. Random access is what makes disjoint and shuffled subsets cheap.
 */
export abstract class IndexedDataset implements Dataset {
  abstract readonly name: string;
  abstract readonly size: number;
  abstract readonly sampleDims: number[];
  abstract readonly hasLabels: boolean;
  abstract readonly numClasses: number | null;
  abstract readonly sha256: string;

  /** Reads the samples at `indices` (each in [0, size)), preprocessed. */
  abstract readSamples(indices: ArrayLike<number>): Promise<SampleBlock>;

  /** Number of floats in one sample. */
  get sampleLength(): number {
    return this.sampleDims.reduce((a, b) => a * b, 1);
  }

  async *batches(options: { batchSize: number; start?: number; count?: number }): AsyncIterable<Batch> {
    const { batchSize } = options;
    const start = options.start ?? 0;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new BitbenchError('BAD_REQUEST', `Batch size must be a whole number of at least 1, got ${batchSize}.`, 'Pass a positive batch size.');
    }
    if (!Number.isInteger(start) || start < 0 || start > this.size) {
      throw new BitbenchError('INVALID_DATASET', `Start ${start} is outside the dataset "${this.name}" of ${this.size} samples.`, 'Pass a start between 0 and the dataset size.');
    }
    const end = Math.min(this.size, options.count === undefined ? this.size : start + Math.max(0, options.count));
    for (let first = start; first < end; first += batchSize) {
      const n = Math.min(batchSize, end - first);
      const indices = new Int32Array(n);
      for (let i = 0; i < n; i++) indices[i] = first + i;
      const block = await this.readSamples(indices);
      yield { input: block.input, dims: [n, ...this.sampleDims], labels: block.labels, start: first };
    }
  }
}

/** Hash of several content parts (file hashes, canonical preprocessing, slice) as one identity. */
export function combineHashes(parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex');
}

/** sha256 of raw bytes, hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
