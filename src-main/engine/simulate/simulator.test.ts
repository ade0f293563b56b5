import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BitbenchError } from '../../api/errors.js';
import { openDataset } from '../data/open.js';
import type { Dataset } from '../data/dataset.js';
import { uniformConfig } from '../config/resolveConfig.js';
import { SqnrAccumulator, countCorrect } from '../evaluate/metrics.js';
import { encodeModel } from '../onnx/encode.js';
import { QuantSimulator } from './simulator.js';

let sim: QuantSimulator;
let test: Dataset;
const N = 200;

beforeAll(async () => {
  const pre = { mean: [0.286], std: [0.353] };
  test = await openDataset('fmnist:/usr/share/datasets/fashion-mnist:test', pre);
  const calibration = await openDataset('fmnist:/usr/share/datasets/fashion-mnist:train', pre);
  sim = await QuantSimulator.create('/work/shared/models/fmnist_resnet20.onnx', { calibration, calibrationLimit: 128 });
});
afterAll(async () => sim?.dispose());

async function errorOf(p: Promise<unknown>): Promise<BitbenchError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof BitbenchError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('QuantSimulator', () => {
  it('evaluates FP32 exactly and W8A8 close to it, W2A8 far from it', async () => {
    const fp32 = await sim.evaluate({ groups: {} }, test, { limit: N });
    expect(fp32.sqnrDb).toBe(Infinity);
    expect(fp32.samples).toBe(N);
    const w8a8 = await sim.evaluate(uniformConfig(sim.info, { w: 8, a: 8 }), test, { limit: N });
    expect(w8a8.sqnrDb).toBeGreaterThan(25);
    expect(Math.abs(w8a8.accuracy! - fp32.accuracy!)).toBeLessThanOrEqual(0.015);
    const w2 = await sim.evaluate(uniformConfig(sim.info, { w: 2, a: 8 }), test, { limit: N });
    expect(w2.sqnrDb).toBeLessThan(5);
  });

  it('reports per-layer SQNR taps that fall with fewer bits', async () => {
    const r8 = await sim.evaluate(uniformConfig(sim.info, { w: 8, a: 8 }), test, { limit: 50, taps: true });
    const r4 = await sim.evaluate(uniformConfig(sim.info, { w: 4, a: 4 }), test, { limit: 50, taps: true });
    expect(Object.keys(r8.layerSqnrDb!)).toHaveLength(22);
    for (const layer of Object.keys(r8.layerSqnrDb!)) expect(r4.layerSqnrDb![layer]).toBeLessThan(r8.layerSqnrDb![layer]);
  });

  it.each([
    ['W4A8', { w: 4, a: 8 }],
    ['W8A16', { w: 8, a: 16 }],
    ['mixed 8/16-bit', null],
  ] as const)('exports exactly the simulated model (%s): plain onnxruntime on the file gives the same outputs', async (_label, bits) => {
    const ids = sim.info.groups.map((g) => g.id);
    const config = bits ? uniformConfig(sim.info, bits) : { groups: Object.fromEntries(ids.map((id, i) => [id, i % 3 === 0 ? { w: 8, a: 16 } : i % 3 === 1 ? { w: 4, a: 8 } : { w: 16, a: 16 }])) };
    const dir = mkdtempSync(join(tmpdir(), 'bitbench-export-'));
    const manifest = await sim.exportQdq(config, join(dir, 'm.onnx'));
    if (bits?.a === 8) expect(manifest.layers.every((l) => l.format === 'int8')).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'm.manifest.json'), 'utf8')).opCounts).toEqual(manifest.opCounts);
    // plain onnxruntime, default options, on the exported file and on the canonical float model
    const session = await ort.InferenceSession.create(join(dir, 'm.onnx'));
    const fp32 = await ort.InferenceSession.create(encodeModel(sim.model));
    let correct = 0;
    const sqnr = new SqnrAccumulator();
    // the simulator's batches (250), so that the SQNR sums add up in the same order
    for await (const batch of test.batches({ batchSize: 250, count: N })) {
      const feeds = { input: new ort.Tensor('float32', batch.input, batch.dims) };
      const y = (await session.run(feeds)).logits.data as Float32Array;
      sqnr.add((await fp32.run(feeds)).logits.data as Float32Array, y);
      correct += countCorrect(y, batch.labels!);
    }
    await session.release();
    await fp32.release();
    const simulated = await sim.evaluate(config, test, { limit: N });
    expect(correct / N).toBe(simulated.accuracy);
    expect(sqnr.db).toBe(simulated.sqnrDb); // equal sums of squared errors: the same outputs
  });

  it('cancels through an AbortSignal', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await errorOf(sim.evaluate(uniformConfig(sim.info, { w: 6, a: 6 }), test, { limit: N, signal: controller.signal }));
    expect(error.code).toBe('CANCELLED');
  });

  it('refuses configurations naming unknown groups', async () => {
    const error = await errorOf(sim.evaluate({ groups: { nope: { w: 8, a: 8 } } }, test, { limit: 10 }));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain('nope');
  });

  it('captures layer inputs and uses rounded weights set from outside', async () => {
    const layer = '/layers/layers.0/c1/Conv';
    const captured = await sim.captureLayerInputs(layer, test, 8);
    expect(captured.dims).toEqual([8, 16, 28, 28]);
    expect(captured.weightDims).toEqual([16, 16, 3, 3]);
    expect(captured.attrs.pads).toEqual([1, 1, 1, 1]);
    const scales = sim.weightScales(layer, 4);
    expect(scales).toHaveLength(16);
    const config = uniformConfig(sim.info, { w: 4, a: 8 });
    const before = await sim.evaluate(config, test, { limit: 50 });
    // all-zero levels for one layer must change the network's output
    sim.setRoundedWeights(layer, 4, new Int32Array(16 * 16 * 9));
    const after = await sim.evaluate(config, test, { limit: 50 });
    expect(after.sqnrDb).toBeLessThan(before.sqnrDb - 1);
    const nearest = await sim.evaluate({ ...config, rounding: 'nearest' }, test, { limit: 50 });
    expect(nearest.sqnrDb).toBe(before.sqnrDb);
    sim.clearRoundedWeights();
    expect((await sim.evaluate(config, test, { limit: 50 })).sqnrDb).toBe(before.sqnrDb);
  });
});
