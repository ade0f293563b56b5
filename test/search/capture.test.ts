// Tensor capture for MSQ on a real model: the FP32 reference logits, the same for every
// configuration, are computed on the first capture of a split and reused by the next ones.
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../src-main/engine/data/open.js';
import { subset } from '../../src-main/engine/data/subset.js';
import { uniformConfig } from '../../src-main/engine/index.js';
import { loadModel } from '../../src-main/engine/model/loadModel.js';
import { encodeModel } from '../../src-main/engine/onnx/encode.js';
import { SimulatorEvaluator } from '../../src-main/engine/search/simulatorEvaluator.js';
import type { CapturedBatch } from '../../src-main/engine/search/types.js';
import { QuantSimulator } from '../../src-main/engine/simulate/simulator.js';

const MODEL = '/work/shared/models/fmnist_resnet20.onnx';
let sim: QuantSimulator;
let evaluator: SimulatorEvaluator;

beforeAll(async () => {
  const pre = { mean: [0.286], std: [0.353] };
  const calibration = subset(await openDataset('fmnist:/usr/share/datasets/fashion-mnist:train', pre), 0, 100);
  const validation = subset(await openDataset('fmnist:/usr/share/datasets/fashion-mnist:test', pre), 0, 100);
  sim = await QuantSimulator.create(MODEL, { calibration, calibrationLimit: 100 });
  evaluator = new SimulatorEvaluator(sim, { calibration, validation }, await loadModel(MODEL, { sampleDims: calibration.sampleDims }));
}, 120_000);
afterAll(async () => sim?.dispose());

async function capture(bits: { w: number; a: number }, signal?: AbortSignal): Promise<CapturedBatch[]> {
  const batches: CapturedBatch[] = [];
  const layer = sim.info.layers[3].output;
  await evaluator.features!.captureTensors(uniformConfig(sim.info, bits), 'calibration', [layer], (b) => batches.push(b), { limit: 100, signal });
  return batches;
}

describe('tensor capture', () => {
  it('reuses the FP32 reference logits across configurations, equal to a direct FP32 run', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(capture({ w: 8, a: 8 }, controller.signal)).rejects.toMatchObject({ code: 'CANCELLED' });
    const first = await capture({ w: 8, a: 8 });
    const second = await capture({ w: 4, a: 4 });
    expect(first.map((b) => b.size)).toEqual([64, 36]);
    const fp32 = await ort.InferenceSession.create(encodeModel(sim.model));
    let i = 0;
    for await (const batch of evaluator.data.calibration.batches({ batchSize: 64, count: 100 })) {
      // the same arrays the second time, not recomputed
      expect(second[i].referenceLogits).toBe(first[i].referenceLogits);
      const direct = (await fp32.run({ input: new ort.Tensor('float32', batch.input, batch.dims) })).logits.data as Float32Array;
      expect(Array.from(first[i].referenceLogits)).toEqual(Array.from(direct));
      i++;
    }
    expect(i).toBe(first.length);
    await fp32.release();
    // the captured layer output itself depends on the configuration
    expect(Array.from(second[0].tensors.values())[0].data).not.toEqual(Array.from(first[0].tensors.values())[0].data);
  });
});
