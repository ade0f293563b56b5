/** A dataset over in-memory arrays, for engine tests that need odd shapes, no labels or no samples. */
import type { Batch, Dataset } from '../../src-main/engine/data/dataset.js';

export class ArrayDataset implements Dataset {
  readonly name: string;
  readonly size: number;
  readonly hasLabels: boolean;
  readonly numClasses: number | null;
  readonly sha256: string;

  constructor(
    readonly sampleDims: number[],
    private readonly values: Float32Array,
    private readonly labels: Int32Array | null,
    name = 'array',
  ) {
    const per = sampleDims.reduce((a, b) => a * b, 1);
    this.size = per === 0 ? 0 : values.length / per;
    this.hasLabels = labels !== null;
    this.numClasses = labels ? 10 : null;
    this.name = name;
    this.sha256 = `${name}:${this.size}:${sampleDims.join('x')}:${values.length ? values[0] : 0}`;
  }

  async *batches(options: { batchSize: number; start?: number; count?: number }): AsyncIterable<Batch> {
    const per = this.sampleDims.reduce((a, b) => a * b, 1);
    const start = options.start ?? 0;
    const end = Math.min(this.size, options.count === undefined ? this.size : start + options.count);
    for (let first = start; first < end; first += options.batchSize) {
      const n = Math.min(options.batchSize, end - first);
      yield {
        input: this.values.slice(first * per, (first + n) * per),
        dims: [n, ...this.sampleDims],
        labels: this.labels ? this.labels.slice(first, first + n) : null,
        start: first,
      };
    }
  }
}
