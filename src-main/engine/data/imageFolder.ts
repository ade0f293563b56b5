/**
 * A folder of PNG/JPEG images: either one sub-folder per class (class index = position of the
 * folder name in sorted order) or a flat folder without labels. Headers are read at open time so a
 * bad file or a size mismatch is reported before any work starts; pixels are decoded per batch.
 */
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { BitbenchError } from '../../api/errors.js';
import { combineHashes, IndexedDataset, sha256Hex, type SampleBlock } from './dataset.js';
import { decodeImageRgb, readImageHeader } from './imageFile.js';
import { PixelPipeline, preprocessKey, resolvePreprocess, type Preprocess } from './preprocess.js';

const IMAGE_EXT = /\.(png|jpe?g)$/i;

/** Sorted by code point, so class order does not depend on the locale. */
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function listImages(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isFile() && IMAGE_EXT.test(e.name)).map((e) => e.name).sort(byCodePoint);
}

/** Images on disk with optional class labels. */
export class ImageFolderDataset extends IndexedDataset {
  readonly size: number;
  readonly sampleDims: number[];
  readonly hasLabels: boolean;

  private constructor(
    readonly name: string,
    readonly sha256: string,
    private readonly files: string[],
    private readonly labels: Int32Array | null,
    readonly numClasses: number | null,
    /** Class folder names in class-index order (empty for a flat folder). */
    readonly classNames: string[],
    private readonly pipeline: PixelPipeline,
  ) {
    super();
    this.size = files.length;
    this.sampleDims = pipeline.sampleDims;
    this.hasLabels = labels !== null;
  }

  /** Opens `dir`: class sub-folders if it has any, else the images directly inside it. */
  static async open(dir: string, preprocess?: Preprocess): Promise<ImageFolderDataset> {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new BitbenchError('INVALID_DATASET', `Image folder ${dir} does not exist.`, 'Point images: at a folder of PNG/JPEG files, or of one sub-folder per class.');
    }
    const entries = await readdir(dir, { withFileTypes: true });
    const classNames = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort(byCodePoint);
    const files: string[] = [];
    const labelList: number[] = [];
    if (classNames.length > 0) {
      for (const [index, cls] of classNames.entries()) {
        for (const name of await listImages(join(dir, cls))) {
          files.push(join(dir, cls, name));
          labelList.push(index);
        }
      }
    } else {
      for (const name of await listImages(dir)) files.push(join(dir, name));
    }
    if (files.length === 0) {
      throw new BitbenchError('INVALID_DATASET', `Image folder ${dir} holds no PNG or JPEG images${classNames.length ? ` in its ${classNames.length} class folders` : ''}.`, 'Put .png/.jpg files in it, directly or in one sub-folder per class.');
    }
    const pre = resolvePreprocess(preprocess, { channels: 'rgb', defaultScale: 1 / 255 });
    const fileHashes: string[] = [];
    let size: { width: number; height: number; file: string } | null = null;
    for (const file of files) {
      const bytes = await readFile(file);
      const header = readImageHeader(bytes);
      if (!header || header.width === 0 || header.height === 0) {
        throw new BitbenchError('INVALID_DATASET', `${file} is not a readable PNG or JPEG image.`, 'Replace or remove the file.');
      }
      if (!size) size = { ...header, file };
      else if (!pre.resize && (header.width !== size.width || header.height !== size.height)) {
        throw new BitbenchError(
          'INVALID_DATASET',
          `${file} is ${header.width}x${header.height} but ${size.file} is ${size.width}x${size.height}.`,
          'Declare a resize (e.g. --resize 224x224) so every image reaches the model input size.',
        );
      }
      fileHashes.push(`${file.slice(dir.length)}:${sha256Hex(bytes)}`);
    }
    // With a resize, each image is resized from its own size; the pipeline's source size is per file.
    const pipeline = new PixelPipeline(pre, size!.height, size!.width, 3);
    const labels = classNames.length > 0 ? Int32Array.from(labelList) : null;
    const sha = combineHashes(['images', ...fileHashes, preprocessKey(pre)]);
    return new ImageFolderDataset(`images:${basename(dir)}`, sha, files, labels, classNames.length > 0 ? classNames.length : null, classNames, pipeline);
  }

  async readSamples(indices: ArrayLike<number>): Promise<SampleBlock> {
    const n = indices.length;
    const len = this.pipeline.sampleLength;
    const input = new Float32Array(n * len);
    const labels = this.labels ? new Int32Array(n) : null;
    const buffers = await Promise.all(Array.from(indices, (i) => readFile(this.files[i])));
    for (let k = 0; k < n; k++) {
      const file = this.files[indices[k]];
      const img = decodeImageRgb(buffers[k], file);
      const { srcH, srcW } = this.pipeline;
      const pipeline = img.height === srcH && img.width === srcW ? this.pipeline : new PixelPipeline(this.pipeline.pre, img.height, img.width, 3);
      if (pipeline.sampleLength !== len) {
        throw new BitbenchError('INVALID_DATASET', `${file} decodes to ${img.width}x${img.height}, not the size the folder was opened with.`, 'Declare a resize so every image reaches the model input size.');
      }
      pipeline.write(img.rgb, input, k * len);
      if (labels) labels[k] = this.labels![indices[k]];
    }
    return { input, labels };
  }
}
