/**
 * Fashion-MNIST (and MNIST) from a folder of IDX files, gzip or raw: 28x28 gray images, 10
 * classes. The uint8 pixels stay in memory; samples are preprocessed per batch.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BitbenchError } from '../../api/errors.js';
import { combineHashes, IndexedDataset, sha256Hex, type SampleBlock } from './dataset.js';
import { maybeGunzip, parseIdx } from './idx.js';
import { PixelPipeline, preprocessKey, resolvePreprocess, type Preprocess } from './preprocess.js';

export type FmnistSplit = 'train' | 'test';

const PREFIX: Record<FmnistSplit, string> = { train: 'train', test: 't10k' };

/** Finds `<prefix>-<kind>-idx<rank>-ubyte[.gz]` in `dir`. */
function findIdxFile(dir: string, split: FmnistSplit, kind: 'images' | 'labels'): string {
  const base = `${PREFIX[split]}-${kind}-idx${kind === 'images' ? 3 : 1}-ubyte`;
  for (const name of [`${base}.gz`, base]) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  throw new BitbenchError(
    kind === 'labels' ? 'LABELS_MISSING' : 'INVALID_DATASET',
    `No ${split} ${kind} file in ${dir} (looked for ${base}.gz and ${base}).`,
    'Point fmnist: at the folder holding the Fashion-MNIST IDX files, e.g. fmnist:/usr/share/datasets/fashion-mnist:test.',
  );
}

/** Fashion-MNIST split held as uint8 pixels. */
export class FashionMnistDataset extends IndexedDataset {
  readonly hasLabels = true;
  readonly numClasses: number;
  readonly sampleDims: number[];
  readonly size: number;

  private constructor(
    readonly name: string,
    readonly sha256: string,
    private readonly pixels: Uint8Array,
    private readonly labels: Uint8Array,
    private readonly pipeline: PixelPipeline,
  ) {
    super();
    this.size = labels.length;
    this.sampleDims = pipeline.sampleDims;
    this.numClasses = Math.max(10, ...Array.from(new Set(labels)).map((l) => l + 1));
  }

  /** Opens one split of the IDX files in `dir`. */
  static async open(dir: string, split: FmnistSplit, preprocess?: Preprocess): Promise<FashionMnistDataset> {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new BitbenchError('INVALID_DATASET', `Fashion-MNIST folder ${dir} does not exist.`, 'Install Debian\'s dataset-fashion-mnist or point fmnist: at a folder with the IDX files.');
    }
    const imagesFile = findIdxFile(dir, split, 'images');
    const labelsFile = findIdxFile(dir, split, 'labels');
    const [imagesRaw, labelsRaw] = await Promise.all([readFile(imagesFile), readFile(labelsFile)]);
    const images = parseIdx(maybeGunzip(imagesRaw, imagesFile), imagesFile, 3);
    const labels = parseIdx(maybeGunzip(labelsRaw, labelsFile), labelsFile, 1);
    const [n, h, w] = images.dims;
    if (n === 0) throw new BitbenchError('INVALID_DATASET', `${imagesFile} holds no images.`, 'Use a non-empty IDX file.');
    if (labels.dims[0] !== n) {
      throw new BitbenchError('INVALID_DATASET', `${imagesFile} has ${n} images but ${labelsFile} has ${labels.dims[0]} labels.`, 'Use the images and labels files of the same split.');
    }
    const pre = resolvePreprocess(preprocess, { channels: 'gray', defaultScale: 1 / 255 });
    const pipeline = new PixelPipeline(pre, h, w, 1);
    const sha = combineHashes(['fmnist', sha256Hex(imagesRaw), sha256Hex(labelsRaw), preprocessKey(pre)]);
    return new FashionMnistDataset(`fmnist:${split}`, sha, images.data, labels.data, pipeline);
  }

  async readSamples(indices: ArrayLike<number>): Promise<SampleBlock> {
    const n = indices.length;
    const len = this.pipeline.sampleLength;
    const plane = this.pipeline.srcH * this.pipeline.srcW;
    const input = new Float32Array(n * len);
    const labels = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const i = indices[k];
      this.pipeline.write(this.pixels.subarray(i * plane, (i + 1) * plane), input, k * len);
      labels[k] = this.labels[i];
    }
    return { input, labels };
  }
}
