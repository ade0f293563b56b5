/** Shared setup of the quality benchmark: the reference models, the data splits and the simulator. */
import type { Dataset } from '../../src-main/engine/data/dataset.js';
import { openDataset } from '../../src-main/engine/data/open.js';
import { shuffledSubset, subset } from '../../src-main/engine/data/subset.js';
import { loadModel, type LoadedModel } from '../../src-main/engine/model/loadModel.js';
import { QuantSimulator } from '../../src-main/engine/simulate/simulator.js';

export const FMNIST = '/usr/share/datasets/fashion-mnist';
export const MODEL_DIR = '/work/shared/models';
const PRE = { scale: 1 / 255, mean: [0.286], std: [0.353] };
export const CALIB = 512;

/** One model ready to measure: calibration from train (shuffled), validation from test, disjoint. */
export interface BenchModel {
  name: string;
  simulator: QuantSimulator;
  loaded: LoadedModel;
  data: { calibration: Dataset; validation: Dataset };
}

export async function openBenchModel(name: string, validationSamples: number): Promise<BenchModel> {
  const path = `${MODEL_DIR}/fmnist_${name}.onnx`;
  const train = await openDataset(`fmnist:${FMNIST}:train`, PRE);
  const test = await openDataset(`fmnist:${FMNIST}:test`, PRE);
  const data = { calibration: shuffledSubset(train, 0, 0, CALIB), validation: subset(test, 0, validationSamples) };
  const simulator = await QuantSimulator.create(path, { calibration: data.calibration, calibrationLimit: CALIB });
  const loaded = await loadModel(path, { sampleDims: data.calibration.sampleDims });
  return { name, simulator, loaded, data };
}

/** Accuracy as a percentage string of fixed width. */
export const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '     -' : `${(100 * v).toFixed(2)}`.padStart(6));
