import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BitbenchError } from '../../api/errors.js';
import { openDataset } from './open.js';

const FMNIST = '/usr/share/datasets/fashion-mnist';

/** An IDX file by hand: magic 0x0000080<rank>, big-endian dims, bytes. */
function idx(dims: number[], values: number[] | Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(0x00000800 + dims.length, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(values)]);
}

function tinyDir(images: Buffer, labels: Buffer, gz = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'bb-idx-'));
  writeFileSync(join(dir, `t10k-images-idx3-ubyte${gz ? '.gz' : ''}`), gz ? gzipSync(images) : images);
  writeFileSync(join(dir, `t10k-labels-idx1-ubyte${gz ? '.gz' : ''}`), gz ? gzipSync(labels) : labels);
  return dir;
}

async function expectError(promise: Promise<unknown>, code: string, pattern: RegExp): Promise<BitbenchError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(BitbenchError);
  expect((error as BitbenchError).code).toBe(code);
  expect((error as BitbenchError).message).toMatch(pattern);
  expect((error as BitbenchError).hint).toBeTruthy();
  return error as BitbenchError;
}

describe('fmnist datasets', () => {
  it('reads the real test split with declared normalisation, matching the raw bytes', async () => {
    const ds = await openDataset(`fmnist:${FMNIST}`, { mean: [0.286], std: [0.353] });
    expect(ds.size).toBe(10000);
    expect(ds.sampleDims).toEqual([1, 28, 28]);
    expect(ds.numClasses).toBe(10);
    const raw = gunzipSync(readFileSync(join(FMNIST, 't10k-images-idx3-ubyte.gz')));
    const rawLabels = gunzipSync(readFileSync(join(FMNIST, 't10k-labels-idx1-ubyte.gz')));
    const batches = [];
    for await (const b of ds.batches({ batchSize: 3, start: 100, count: 7 })) batches.push(b);
    expect(batches.map((b) => [b.start, b.dims[0]])).toEqual([[100, 3], [103, 3], [106, 1]]);
    const b = batches[1];
    expect(b.dims).toEqual([3, 1, 28, 28]);
    for (let k = 0; k < 3; k++) {
      expect(b.labels![k]).toBe(rawLabels[8 + 103 + k]);
      for (const px of [0, 200, 407, 783]) {
        const p = raw[16 + (103 + k) * 784 + px];
        expect(b.input[k * 784 + px]).toBeCloseTo((p / 255 - 0.286) / 0.353, 5);
      }
    }
  });

  it('reads the train split and a different content hash', async () => {
    const train = await openDataset(`fmnist:${FMNIST}:train`);
    const test = await openDataset(`fmnist:${FMNIST}:test`);
    expect(train.size).toBe(60000);
    expect(train.sha256).not.toBe(test.sha256);
    const again = await openDataset(`fmnist:${FMNIST}`, { scale: 1 / 255 });
    expect(again.sha256).toBe(test.sha256);
    const normalised = await openDataset(`fmnist:${FMNIST}`, { mean: [0.5] });
    expect(normalised.sha256).not.toBe(test.sha256);
  });

  it('reads raw and gzip IDX files alike, with nhwc layout and rgb replication', async () => {
    const images = idx([2, 2, 2], [0, 51, 102, 255, 10, 20, 30, 40]);
    const labels = idx([2], [3, 7]);
    for (const gz of [false, true]) {
      const ds = await openDataset(`fmnist:${tinyDir(images, labels, gz)}`, { layout: 'nhwc', channels: 'rgb' });
      expect(ds.sampleDims).toEqual([2, 2, 3]);
      for await (const b of ds.batches({ batchSize: 8 })) {
        expect(Array.from(b.labels!)).toEqual([3, 7]);
        expect(Array.from(b.input.slice(0, 6)).map((v) => Math.round(v * 255))).toEqual([0, 0, 0, 51, 51, 51]);
      }
    }
  });

  it('refuses a missing folder, missing labels, bad magic, truncation, count mismatch, an empty file', async () => {
    await expectError(openDataset('fmnist:/nonexistent/fmnist'), 'INVALID_DATASET', /does not exist/);
    const onlyImages = mkdtempSync(join(tmpdir(), 'bb-idx-'));
    writeFileSync(join(onlyImages, 't10k-images-idx3-ubyte'), idx([1, 2, 2], [1, 2, 3, 4]));
    await expectError(openDataset(`fmnist:${onlyImages}`), 'LABELS_MISSING', /labels/);
    const badMagic = idx([1, 2, 2], [1, 2, 3, 4]);
    badMagic.writeUInt32BE(0x00000d03, 0);
    await expectError(openDataset(`fmnist:${tinyDir(badMagic, idx([1], [0]))}`), 'INVALID_DATASET', /not an unsigned-byte IDX/);
    await expectError(openDataset(`fmnist:${tinyDir(idx([2, 2, 2], [1, 2, 3]), idx([2], [0, 1]))}`), 'INVALID_DATASET', /truncated/);
    await expectError(openDataset(`fmnist:${tinyDir(idx([2, 2, 2], new Uint8Array(8)), idx([3], [0, 1, 2]))}`), 'INVALID_DATASET', /2 images .* 3 labels/);
    await expectError(openDataset(`fmnist:${tinyDir(idx([0, 2, 2], []), idx([0], []))}`), 'INVALID_DATASET', /no images/);
    await expectError(openDataset(`fmnist:${tinyDir(Buffer.from([0x1f, 0x8b, 1, 2, 3]), idx([1], [0]), false)}`), 'INVALID_DATASET', /damaged gzip/);
  });

  it('refuses an unknown spec prefix and bad preprocessing', async () => {
    await expectError(openDataset('mnist:/tmp'), 'INVALID_DATASET', /Unknown dataset spec/);
    await expectError(openDataset('/just/a/path'), 'INVALID_DATASET', /Unknown dataset spec/);
    await expectError(openDataset(`fmnist:${FMNIST}`, { mean: [0.1, 0.2] }), 'INVALID_DATASET', /2 values .* 1 channel/);
    await expectError(openDataset(`fmnist:${FMNIST}`, { std: [0] }), 'INVALID_DATASET', /std contains 0/);
  });
});
