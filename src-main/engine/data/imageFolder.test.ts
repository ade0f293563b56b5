import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { BitbenchError } from '../../api/errors.js';
import type { Batch } from './dataset.js';
import { openDataset } from './open.js';

/** A solid-colour PNG (optionally with one distinct top-left pixel). */
function png(width: number, height: number, rgb: [number, number, number], corner?: [number, number, number]): Buffer {
  const img = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    const c = i === 0 && corner ? corner : rgb;
    img.data.set([...c, 255], i * 4);
  }
  return PNG.sync.write(img);
}

function jpg(width: number, height: number, rgb: [number, number, number]): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...rgb, 255], i * 4);
  return jpeg.encode({ data, width, height }, 100).data;
}

function folder(files: Record<string, Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bb-img-'));
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
  return dir;
}

async function all(ds: { batches(o: { batchSize: number }): AsyncIterable<Batch> }): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of ds.batches({ batchSize: 2 })) out.push(b);
  return out;
}

async function expectError(promise: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(BitbenchError);
  expect((error as BitbenchError).code).toBe(code);
  expect((error as BitbenchError).message).toMatch(pattern);
  expect((error as BitbenchError).hint).toBeTruthy();
}

describe('image folder datasets', () => {
  it('labels class folders in sorted name order and decodes PNG and JPEG', async () => {
    const dir = folder({
      'zebra/a.png': png(4, 3, [200, 100, 50], [10, 20, 30]),
      'apple/b.png': png(4, 3, [0, 128, 255]),
      'apple/c.jpg': jpg(4, 3, [250, 250, 250]),
      'apple/notes.txt': Buffer.from('ignored'),
    });
    const ds = await openDataset(`images:${dir}`);
    expect(ds.size).toBe(3);
    expect(ds.numClasses).toBe(2);
    expect(ds.sampleDims).toEqual([3, 3, 4]);
    const batches = await all(ds);
    const labels = batches.flatMap((b) => Array.from(b.labels!));
    expect(labels).toEqual([0, 0, 1]); // apple/b.png, apple/c.jpg, zebra/a.png
    const [first, second] = batches;
    // apple/b.png, channel planes: R then G then B.
    expect(first.input[0]).toBeCloseTo(0, 6);
    expect(first.input[12]).toBeCloseTo(128 / 255, 6);
    expect(first.input[24]).toBeCloseTo(1, 6);
    // JPEG quality 100 of a flat colour decodes within a couple of levels.
    expect(Math.abs(first.input[36] * 255 - 250)).toBeLessThan(3);
    // zebra/a.png corner pixel, in BGR order and with mean/std.
    const bgr = await openDataset(`images:${dir}`, { channels: 'bgr', mean: [0.5], std: [0.25] });
    const z = (await all(bgr))[1];
    expect(z.input[0]).toBeCloseTo((30 / 255 - 0.5) / 0.25, 5);
    expect(z.input[24]).toBeCloseTo((10 / 255 - 0.5) / 0.25, 5);
    expect(second.input.length).toBe(36);
  });

  it('reads a flat folder without labels, as gray', async () => {
    const dir = folder({ 'x1.png': png(2, 2, [255, 255, 255]), 'x2.png': png(2, 2, [0, 0, 0]) });
    const ds = await openDataset(`images:${dir}`, { channels: 'gray' });
    expect(ds.hasLabels).toBe(false);
    expect(ds.numClasses).toBeNull();
    expect(ds.sampleDims).toEqual([1, 2, 2]);
    const [b] = await all(ds);
    expect(b.labels).toBeNull();
    expect(Array.from(b.input)).toEqual([1, 1, 1, 1, 0, 0, 0, 0].map((v) => expect.closeTo(v, 5)));
  });

  it('refuses mixed sizes unless a resize is declared', async () => {
    const dir = folder({ 'a/1.png': png(4, 4, [255, 0, 0]), 'b/2.png': png(8, 6, [0, 255, 0]) });
    await expectError(openDataset(`images:${dir}`), 'INVALID_DATASET', /is 8x6 but .* is 4x4/);
    const ds = await openDataset(`images:${dir}`, { resize: [5, 5], layout: 'nhwc' });
    expect(ds.sampleDims).toEqual([5, 5, 3]);
    const [b] = await all(ds);
    expect(b.input.length).toBe(2 * 75);
    expect(b.input[75 + 1]).toBeCloseTo(1, 6); // second image, a flat green, stays green after resize
  });

  it('refuses a missing folder, an empty folder and an unreadable image', async () => {
    await expectError(openDataset('images:/nonexistent/images'), 'INVALID_DATASET', /does not exist/);
    await expectError(openDataset(`images:${folder({ 'a/readme.txt': Buffer.from('x') })}`), 'INVALID_DATASET', /holds no PNG or JPEG/);
    await expectError(openDataset(`images:${folder({ 'a/ok.png': png(2, 2, [1, 2, 3]), 'a/bad.png': Buffer.from('not really a png') })}`), 'INVALID_DATASET', /bad\.png is not a readable/);
    // A valid header with damaged pixel data is only found when decoding: the batch says which file.
    const damaged = png(2, 2, [1, 2, 3]);
    const dir = folder({ 'a/damaged.png': Buffer.concat([damaged.subarray(0, 40), Buffer.alloc(20)]) });
    const ds = await openDataset(`images:${dir}`);
    await expectError(all(ds), 'INVALID_DATASET', /Cannot decode image .*damaged\.png/);
  });
});
