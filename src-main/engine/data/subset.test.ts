import { describe, expect, it } from 'vitest';
import { BitbenchError } from '../../api/errors.js';
import type { Dataset } from './dataset.js';
import { openDataset } from './open.js';
import { shuffledSubset, subset } from './subset.js';

const FMNIST = 'fmnist:/usr/share/datasets/fashion-mnist';

async function firstPixels(ds: Dataset, batchSize = 50): Promise<{ labels: number[]; keys: string[] }> {
  const labels: number[] = [];
  const keys: string[] = [];
  for await (const b of ds.batches({ batchSize })) {
    const len = b.input.length / b.dims[0];
    for (let k = 0; k < b.dims[0]; k++) {
      labels.push(b.labels![k]);
      keys.push(Array.from(b.input.subarray(k * len, (k + 1) * len)).join(','));
    }
  }
  return { labels, keys };
}

describe('dataset subsets', () => {
  it('takes contiguous disjoint slices that read the same samples as the parent', async () => {
    const ds = await openDataset(FMNIST);
    const calib = subset(ds, 0, 30);
    const valid = subset(ds, 30, 40);
    expect([calib.size, valid.size]).toEqual([30, 40]);
    expect(calib.sha256).not.toBe(valid.sha256);
    const parent = await firstPixels(subset(ds, 0, 70));
    const a = await firstPixels(calib, 7);
    const b = await firstPixels(valid, 9);
    expect([...a.keys, ...b.keys]).toEqual(parent.keys);
    expect(new Set([...a.keys, ...b.keys]).size).toBe(70); // Fashion-MNIST has no duplicates in its first 70
    // Batches of a slice start at 0 within the slice.
    const starts: number[] = [];
    for await (const batch of valid.batches({ batchSize: 16 })) starts.push(batch.start);
    expect(starts).toEqual([0, 16, 32]);
  });

  it('shuffles deterministically by seed, and disjoint ranges of one seed never share a sample', async () => {
    const ds = await openDataset(FMNIST);
    const a1 = await firstPixels(shuffledSubset(ds, 42, 0, 50));
    const a2 = await firstPixels(shuffledSubset(ds, 42, 0, 50));
    const other = await firstPixels(shuffledSubset(ds, 43, 0, 50));
    const rest = await firstPixels(shuffledSubset(ds, 42, 50, 200));
    expect(a1.keys).toEqual(a2.keys);
    expect(other.keys).not.toEqual(a1.keys);
    const seen = new Set(a1.keys);
    expect(rest.keys.some((k) => seen.has(k))).toBe(false);
    // A shuffle draws from all classes, unlike the first 50 samples which are in file order.
    expect(new Set(rest.labels).size).toBe(10);
  });

  it('refuses a slice beyond the dataset', async () => {
    const ds = await openDataset(FMNIST);
    expect(() => subset(ds, 9990, 20)).toThrow(BitbenchError);
    expect(() => shuffledSubset(ds, 1, 0, 10001)).toThrow(/Cannot take 10001 samples/);
  });
});
