/**
 * Opens a dataset from its spec string, the one syntax every front end uses:
 *   fmnist:DIR[:train|test]   Fashion-MNIST IDX files (test split by default)
 *   images:DIR                one sub-folder per class (sorted names = class indices), or a flat folder
 *   npy:FILE[:LABELS.npy]     NPY or NPZ arrays, optional labels
 */
import { BitbenchError } from '../../api/errors.js';
import type { Dataset } from './dataset.js';
import { FashionMnistDataset, type FmnistSplit } from './fmnist.js';
import { ImageFolderDataset } from './imageFolder.js';
import { NpyDataset } from './npyDataset.js';
import type { Preprocess } from './preprocess.js';

/** A parsed dataset spec. */
export type DatasetSpec =
  | { kind: 'fmnist'; dir: string; split: FmnistSplit }
  | { kind: 'images'; dir: string }
  | { kind: 'npy'; file: string; labels: string | null };

const SPEC_HINT = 'Use fmnist:DIR[:train|test], images:DIR or npy:FILE[:LABELS.npy].';

/** Parses a spec string; throws INVALID_DATASET for an unknown prefix or an empty path. */
export function parseDatasetSpec(spec: string): DatasetSpec {
  const colon = spec.indexOf(':');
  const prefix = colon < 0 ? '' : spec.slice(0, colon);
  const rest = colon < 0 ? '' : spec.slice(colon + 1);
  if (prefix !== 'fmnist' && prefix !== 'images' && prefix !== 'npy') {
    throw new BitbenchError('INVALID_DATASET', `Unknown dataset spec "${spec}".`, SPEC_HINT);
  }
  if (rest === '') throw new BitbenchError('INVALID_DATASET', `Dataset spec "${spec}" names no path.`, SPEC_HINT);
  if (prefix === 'fmnist') {
    const m = /^(.*):(train|test)$/.exec(rest);
    return m ? { kind: 'fmnist', dir: m[1], split: m[2] as FmnistSplit } : { kind: 'fmnist', dir: rest, split: 'test' };
  }
  if (prefix === 'images') return { kind: 'images', dir: rest };
  // The labels part is recognised by its extension so that paths with colons keep working.
  const m = /^(.*\.npz|.*\.npy):(.+\.npy)$/i.exec(rest);
  return m ? { kind: 'npy', file: m[1], labels: m[2] } : { kind: 'npy', file: rest, labels: null };
}

/** Opens the dataset a spec names, with declared preprocessing. */
export async function openDataset(spec: string, preprocess?: Preprocess): Promise<Dataset> {
  const parsed = parseDatasetSpec(spec);
  switch (parsed.kind) {
    case 'fmnist':
      return FashionMnistDataset.open(parsed.dir, parsed.split, preprocess);
    case 'images':
      return ImageFolderDataset.open(parsed.dir, preprocess);
    case 'npy':
      return NpyDataset.open(parsed.file, parsed.labels, preprocess);
  }
}
