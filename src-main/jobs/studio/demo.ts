/**
 * The demo shipped in resources/demo: the reference ResNet-20, a slice of Fashion-MNIST and its
 * declared preprocessing. `bitbench demo` and the "try the demo" button both start from here.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PreprocessSpec, SearchRequest } from '../../api/index.js';

/** resources/demo at the project root, found from this module (source and bundles alike). */
export function demoDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'resources', 'demo');
    try {
      readFileSync(join(candidate, 'preprocess.json'));
      return candidate;
    } catch {
      dir = dirname(dir);
    }
  }
  return join(process.cwd(), 'resources', 'demo');
}

export interface DemoSetup {
  modelPath: string;
  data: string;
  calib: string;
  preprocess: PreprocessSpec;
  provenance: string;
}

export function demoSetup(): DemoSetup {
  const dir = demoDir();
  const data = join(dir, 'fashion-mnist');
  return {
    modelPath: join(dir, 'fmnist_resnet20.onnx'),
    data: `fmnist:${data}:test`,
    calib: `fmnist:${data}:train`,
    preprocess: JSON.parse(readFileSync(join(dir, 'preprocess.json'), 'utf8')) as PreprocessSpec,
    provenance: readFileSync(join(dir, 'PROVENANCE.md'), 'utf8'),
  };
}

/** The demo's search: Pareto-greedy by BOPs over W4A4/W4A8/W8A8 per group, measured on this computer, against fixed W8A8/W4A8/W4A4. */
export function demoSearchRequest(): SearchRequest {
  const setup = demoSetup();
  return {
    title: 'Demo: ResNet-20 on Fashion-MNIST',
    modelPath: setup.modelPath,
    data: setup.data,
    calib: setup.calib,
    preprocess: setup.preprocess,
    method: 'pareto',
    candidates: ['W4A4', 'W4A8', 'W8A8'],
    cost: 'bops',
    maxDrop: 1,
    rounding: 'nearest',
    calibration: 'percentile',
    seed: 1,
    limit: 2000,
    calibLimit: 256,
    baselines: ['W8A8', 'W4A8', 'W4A4'],
    measure: true,
  };
}
