import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BitbenchError } from '../../api/errors.js';
import type { Batch, Dataset } from './dataset.js';
import { openDataset } from './open.js';

/** An NPY v1 file by hand, header padded to 64 bytes as numpy does. */
function npy(descr: string, shape: number[], data: ArrayBufferView): Buffer {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const pre = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]);
  pre.writeUInt16LE(header.length, 8);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

/** A ZIP archive by hand: each entry stored or deflated, central directory, end record. */
function zip(entries: Record<string, Buffer>, deflate: boolean): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(entries)) {
    const body = deflate ? deflateRawSync(data) : data;
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, body);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

function tmpFile(name: string, bytes: Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'bb-npy-')), name);
  writeFileSync(path, bytes);
  return path;
}

async function all(ds: Dataset): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of ds.batches({ batchSize: 4 })) out.push(b);
  return out;
}

async function expectError(promise: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(BitbenchError);
  expect((error as BitbenchError).code).toBe(code);
  expect((error as BitbenchError).message).toMatch(pattern);
  expect((error as BitbenchError).hint).toBeTruthy();
}

const x = Float32Array.from({ length: 5 * 2 * 3 }, (_, i) => i / 10); // [5, 2, 3] tensors
const y = BigInt64Array.from([0n, 2n, 1n, 2n, 0n]);

describe('npy datasets', () => {
  it('reads float32 tensors as given, with int64 labels from a second file', async () => {
    const ds = await openDataset(`npy:${tmpFile('x.npy', npy('<f4', [5, 6], x))}:${tmpFile('y.npy', npy('<i8', [5], y))}`);
    expect(ds.sampleDims).toEqual([6]);
    expect(ds.numClasses).toBe(3);
    const batches = await all(ds);
    expect(batches.map((b) => b.dims)).toEqual([[4, 6], [1, 6]]);
    // Rank-3 arrays are [N, H, W] gray images: the model sees [N, 1, H, W].
    const images = await openDataset(`npy:${tmpFile('x3.npy', npy('<f4', [5, 2, 3], x))}`);
    expect(images.sampleDims).toEqual([1, 2, 3]);
    expect(Array.from(batches[1].input)).toEqual(Array.from(x.slice(24)));
    expect(Array.from(batches[0].labels!)).toEqual([0, 2, 1, 2]);
  });

  it('treats uint8 [N,H,W] as gray pixels (scale 1/255) and float64 [N,C,H,W] as nchw images', async () => {
    const u8 = Uint8Array.from([0, 255, 51, 102, 10, 20, 30, 40]);
    const gray = await openDataset(`npy:${tmpFile('g.npy', npy('|u1', [2, 2, 2], u8))}`, { channels: 'rgb', layout: 'nhwc' });
    expect(gray.sampleDims).toEqual([2, 2, 3]);
    expect(gray.hasLabels).toBe(false);
    const [g] = await all(gray);
    expect(Array.from(g.input.slice(0, 6))).toEqual([0, 0, 0, 1, 1, 1]);
    const f64 = Float64Array.from({ length: 3 * 2 * 2 }, (_, i) => i);
    const rgb = await openDataset(`npy:${tmpFile('c.npy', npy('<f8', [1, 3, 2, 2], f64))}`, { mean: [0, 4, 8], std: [1, 2, 4] });
    const [c] = await all(rgb);
    expect(Array.from(c.input)).toEqual([0, 1, 2, 3, 0, 0.5, 1, 1.5, 0, 0.25, 0.5, 0.75]);
  });

  it('reads NPZ archives, stored and deflated, picking x and y', async () => {
    for (const deflate of [false, true]) {
      const file = tmpFile('d.npz', zip({ 'x.npy': npy('<f4', [5, 2, 3], x), 'y.npy': npy('<i8', [5], y) }, deflate));
      const ds = await openDataset(`npy:${file}`);
      expect(ds.hasLabels).toBe(true);
      const batches = await all(ds);
      expect(Array.from(batches[0].input.slice(0, 6))).toEqual(Array.from(x.slice(0, 6)));
      expect(Array.from(batches[1].labels!)).toEqual([0]);
    }
    const unnamed = tmpFile('u.npz', zip({ 'a.npy': npy('<f4', [5, 2, 3], x), 'b.npy': npy('<i8', [5], y) }, true));
    await expectError(openDataset(`npy:${unnamed}`), 'INVALID_DATASET', /\[a, b\] but none is named as the inputs/);
  });

  it('refuses bad files: missing, not NPY, truncated, labels count mismatch, float labels, bad zip', async () => {
    await expectError(openDataset('npy:/nonexistent/x.npy'), 'INVALID_DATASET', /does not exist/);
    const xFile = tmpFile('x.npy', npy('<f4', [5, 2, 3], x));
    await expectError(openDataset(`npy:${xFile}:/nonexistent/y.npy`), 'LABELS_MISSING', /labels file/);
    await expectError(openDataset(`npy:${tmpFile('t.npy', Buffer.from('hello world, not numpy'))}`), 'INVALID_DATASET', /not an NPY file/);
    await expectError(openDataset(`npy:${tmpFile('t.npy', npy('<f4', [5, 2, 3], x).subarray(0, 100))}`), 'INVALID_DATASET', /truncated/);
    await expectError(openDataset(`npy:${xFile}:${tmpFile('y.npy', npy('<i8', [4], y.slice(0, 4)))}`), 'INVALID_DATASET', /4 entries but the inputs have 5/);
    await expectError(openDataset(`npy:${xFile}:${tmpFile('y.npy', npy('<f4', [5], new Float32Array(5)))}`), 'INVALID_DATASET', /must be integers/);
    await expectError(openDataset(`npy:${tmpFile('e.npy', npy('<f4', [0, 2], new Float32Array(0)))}`), 'INVALID_DATASET', /no samples/);
    const good = zip({ 'x.npy': npy('<f4', [5, 2, 3], x) }, true);
    await expectError(openDataset(`npy:${tmpFile('z.npz', good.subarray(0, good.length - 30))}`), 'INVALID_DATASET', /NPZ\/ZIP/);
    await expectError(openDataset(`npy:${tmpFile('t.npy', npy('<f4', [5, 6], x))}`, { resize: [4, 4] }), 'INVALID_DATASET', /not images/);
  });
});
