import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../data/open.js';
import { subset } from '../data/subset.js';
import type { Dataset } from '../data/dataset.js';
import { QuantSimulator } from '../simulate/simulator.js';
import { layerGram } from './gram.js';
import { collectLayerStatistics, whyNotRoundable } from './layerGrams.js';

let sim: QuantSimulator;
let data: Dataset;

beforeAll(async () => {
  data = subset(await openDataset('fmnist:/usr/share/datasets/fashion-mnist:train', { mean: [0.286], std: [0.353] }), 0, 24);
  sim = await QuantSimulator.create('/work/shared/models/fmnist_resnet20.onnx', { calibration: data, calibrationLimit: 24 });
});
afterAll(async () => sim?.dispose());

describe('collectLayerStatistics', () => {
  it('gives, in one pass with small batches, the Gram matrices of layer-by-layer capture', async () => {
    // The stem reads the graph input itself; the shortcut conv is 1x1 stride 2; the Gemm is [O, K].
    const layers = ['/stem/stem.0/Conv', '/layers/layers.3/sc/sc.0/Conv', '/fc/Gemm'];
    const stats = await collectLayerStatistics(sim.model, layers, data, { limit: 20, batchSize: 7 });
    for (const layer of layers) {
      const captured = await sim.captureLayerInputs(layer, data, 20);
      const info = sim.info.layers.find((l) => l.name === layer)!;
      const expected = await layerGram(captured.input, captured.dims, { op: info.op, weightDims: captured.weightDims, attrs: captured.attrs });
      const got = stats.get(layer)!;
      expect(got.gram.samples).toBe(expected.samples);
      expect(got.weightDims).toEqual(captured.weightDims);
      expect(got.layout).toBe('out-in');
      for (let i = 0; i < expected.data.length; i++) expect(got.gram.data[i]).toBeCloseTo(expected.data[i], 5);
    }
  });

  it('says why a layer cannot be rounded', () => {
    expect(whyNotRoundable(sim.model, '/fc/Gemm')).toBeNull();
    expect(whyNotRoundable(sim.model, 'nope')).toMatch(/not in the model/);
    const relu = sim.model.graph.nodes.find((n) => n.opType === 'Relu')!;
    expect(whyNotRoundable(sim.model, relu.name)).toMatch(/Relu layers keep nearest rounding/);
  });
});
