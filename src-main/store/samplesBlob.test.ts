import { describe, expect, it } from 'vitest';
import { blobToSamples, samplesToBlob } from './samplesBlob.js';

describe('latency samples BLOB', () => {
  it('round-trips float64 values exactly', () => {
    const samples = [0.1, 1.2345678901234567, 1e-9, 12345.678, Number.MAX_VALUE];
    const blob = samplesToBlob(samples);
    expect(blob.byteLength).toBe(40);
    expect(Array.from(blobToSamples(blob))).toEqual(samples);
  });

  it('reads a BLOB that is a view into a larger buffer', () => {
    const big = Buffer.concat([Buffer.alloc(3), samplesToBlob([2.5, 7.25])]);
    expect(Array.from(blobToSamples(big.subarray(3)))).toEqual([2.5, 7.25]);
  });

  it('rejects a truncated BLOB', () => {
    expect(() => blobToSamples(Buffer.alloc(12))).toThrow(/multiple of 8/);
  });
});
