/**
 * Raw latency samples are stored as a BLOB of little-endian float64 values: exact, compact (8 bytes a
 * sample) and readable from any language, unlike a JSON array of decimal strings.
 */

/** Packs samples into the BLOB layout. */
export function samplesToBlob(samples: ArrayLike<number>): Buffer {
  const blob = Buffer.alloc(samples.length * 8);
  for (let i = 0; i < samples.length; i++) blob.writeDoubleLE(samples[i], i * 8);
  return blob;
}

/** Unpacks a BLOB written by samplesToBlob; a length that is not a multiple of 8 is a corrupt row. */
export function blobToSamples(blob: Uint8Array): Float64Array {
  if (blob.byteLength % 8 !== 0) throw new Error(`latency samples BLOB has ${blob.byteLength} bytes, not a multiple of 8`);
  const buffer = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const out = new Float64Array(blob.byteLength / 8);
  for (let i = 0; i < out.length; i++) out[i] = buffer.readDoubleLE(i * 8);
  return out;
}
