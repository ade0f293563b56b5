/**
 * A minimal ZIP reader for NPZ archives: the central directory (with ZIP64 sizes), stored and
 * deflated entries. No encryption, no multi-disk archives.
 */
import { inflateRawSync } from 'node:zlib';
import { BitbenchError } from '../../api/errors.js';

/** Reads every entry of a ZIP archive into memory, by name. */
export function readZipEntries(bytes: Uint8Array, file: string): Map<string, Uint8Array> {
  const bad = (what: string) => new BitbenchError('INVALID_DATASET', `${file} is not a readable NPZ/ZIP archive: ${what}.`, 'Save it again with numpy.savez or numpy.savez_compressed.');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // End-of-central-directory record: last 22 bytes plus up to 64 KiB of comment.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw bad('no end-of-central-directory record');
  let entries = view.getUint16(eocd + 10, true);
  let cdOffset = view.getUint32(eocd + 16, true);
  if (cdOffset === 0xffffffff || entries === 0xffff) {
    // ZIP64: the locator just before the EOCD points at the ZIP64 EOCD record.
    const loc = eocd - 20;
    if (loc < 0 || view.getUint32(loc, true) !== 0x07064b50) throw bad('ZIP64 locator missing');
    const z64 = Number(view.getBigUint64(loc + 8, true));
    if (view.getUint32(z64, true) !== 0x06064b50) throw bad('ZIP64 end record missing');
    entries = Number(view.getBigUint64(z64 + 32, true));
    cdOffset = Number(view.getBigUint64(z64 + 48, true));
  }
  const out = new Map<string, Uint8Array>();
  let p = cdOffset;
  for (let e = 0; e < entries; e++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50) throw bad('central directory is damaged');
    const method = view.getUint16(p + 10, true);
    let compSize = view.getUint32(p + 20, true);
    let size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    let localOffset = view.getUint32(p + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    // ZIP64 extra field (id 1) holds, in order, only the fields that overflowed 32 bits.
    let x = p + 46 + nameLen;
    const extraEnd = x + extraLen;
    while (x + 4 <= extraEnd) {
      const id = view.getUint16(x, true);
      const len = view.getUint16(x + 2, true);
      if (id === 1) {
        let q = x + 4;
        if (size === 0xffffffff) (size = Number(view.getBigUint64(q, true))), (q += 8);
        if (compSize === 0xffffffff) (compSize = Number(view.getBigUint64(q, true))), (q += 8);
        if (localOffset === 0xffffffff) localOffset = Number(view.getBigUint64(q, true));
      }
      x += 4 + len;
    }
    p = extraEnd + commentLen;
    if (localOffset + 30 > bytes.length || view.getUint32(localOffset, true) !== 0x04034b50) throw bad(`local header of ${name} is damaged`);
    const dataStart = localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    if (dataStart + compSize > bytes.length) throw bad(`${name} is truncated`);
    const raw = bytes.subarray(dataStart, dataStart + compSize);
    let data: Uint8Array;
    if (method === 0) data = raw;
    else if (method === 8) {
      try {
        data = inflateRawSync(raw);
      } catch (error) {
        throw bad(`${name} does not inflate (${(error as Error).message})`);
      }
    } else throw bad(`${name} uses compression method ${method} (only stored and deflate are supported)`);
    if (data.length !== size) throw bad(`${name} has ${data.length} bytes, its header says ${size}`);
    out.set(name, data);
  }
  return out;
}
