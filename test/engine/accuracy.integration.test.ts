/**
 * The engine's done-when figures on the three reference models and the full 10k Fashion-MNIST test
 * set (calibration: 512 images of the train split):
 *   - FP32 top-1 through the engine equals models/README.md within 0.05%;
 *   - W8A8 (per-channel MSE weights, percentile activations) within 0.5% of FP32 and not below the
 *     PyTorch W8A8 peer by more than 0.2%;
 *   - exported W8A8 and W4A8 QDQ models, run in plain onnxruntime, give the simulated accuracy
 *     within 0.1% and contain the QDQ nodes their manifest reports.
 * The one place with full-size runs; keep it under ~3 minutes.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src-main/engine/data/dataset.js';
import { QuantSimulator, uniformConfig } from '../../src-main/engine/index.js';
import { decodeModel } from '../../src-main/engine/onnx/decode.js';
import { MODEL_NAMES, fmnist, modelPath, plainOnnxruntimeAccuracy, referenceFigures } from './fixtures.js';

const reference = referenceFigures();
const out = mkdtempSync(join(tmpdir(), 'bitbench-accuracy-'));
let test: Dataset;
let train: Dataset;

beforeAll(async () => {
  [test, train] = await Promise.all([fmnist('test'), fmnist('train')]);
});

describe.each(MODEL_NAMES)('%s on 10k Fashion-MNIST', (name) => {
  let sim: QuantSimulator;
  const figures = reference[name];
  /** Simulated accuracies already measured, by bit label (saves re-running 10k images). */
  const simulatedAccuracy = new Map<string, number>();
  beforeAll(async () => {
    sim = await QuantSimulator.create(modelPath(name), { calibration: train, calibrationLimit: 512, calibrationMethod: 'percentile' });
  });
  afterAll(async () => sim?.dispose());

  it('FP32 equals the README figure and W8A8 stays within 0.5% (and near the PyTorch peer)', async () => {
    const fp32 = await sim.evaluate({ groups: {} }, test);
    expect(fp32.samples).toBe(10000);
    expect(Math.abs(fp32.accuracy! - figures.ort_fp32_acc)).toBeLessThanOrEqual(0.0005);
    const w8a8 = await sim.evaluate(uniformConfig(sim.info, { w: 8, a: 8 }), test);
    simulatedAccuracy.set('W8A8', w8a8.accuracy!);
    console.log(`${name}: FP32 ${fp32.accuracy} W8A8 ${w8a8.accuracy} (${w8a8.sqnrDb.toFixed(2)} dB)`);
    expect(w8a8.accuracy!).toBeGreaterThanOrEqual(fp32.accuracy! - 0.005);
    if (figures.peer_pytorch_fx_w8a8_fbgemm !== null) expect(w8a8.accuracy!).toBeGreaterThanOrEqual(figures.peer_pytorch_fx_w8a8_fbgemm - 0.002);
  });

  it.each([
    ['W8A8', 8],
    ['W4A8', 4],
  ] as const)('exported %s runs in plain onnxruntime at the simulated accuracy, with the manifest\'s QDQ nodes', async (label, w) => {
    const config = uniformConfig(sim.info, { w, a: 8 });
    const path = join(out, `${name}_${label}.onnx`);
    const manifest = await sim.exportQdq(config, path);
    const simulated = simulatedAccuracy.get(label) ?? (await sim.evaluate(config, test)).accuracy!;
    const exported = await plainOnnxruntimeAccuracy(path, test);
    console.log(`${name} ${label}: simulated ${simulated} exported ${exported}`);
    expect(Math.abs(exported - simulated)).toBeLessThanOrEqual(0.001);
    // op counts of the file itself, against the manifest and the placement
    const file = decodeModel(readFileSync(path), null);
    const counts: Record<string, number> = {};
    for (const n of file.graph.nodes) counts[n.opType] = (counts[n.opType] ?? 0) + 1;
    expect(counts).toEqual(manifest.opCounts);
    const activations = sim.info.groups.flatMap((g) => g.activationQuantizers).length;
    const weighted = manifest.layers.filter((l) => l.weightBits !== null);
    expect(counts.QuantizeLinear).toBe(activations);
    expect(counts.DequantizeLinear).toBeGreaterThanOrEqual(activations + weighted.length);
    expect(manifest.layers.every((l) => l.format === 'int8')).toBe(true);
    const int8Weights = file.graph.nodes.filter((n) => n.opType === 'DequantizeLinear' && file.graph.initializers.get(n.inputs[0])?.dataType === 3);
    expect(int8Weights).toHaveLength(weighted.length);
    if (w === 4) for (const n of int8Weights) for (const v of file.graph.initializers.get(n.inputs[0])!.data as Int8Array) expect(v >= -8 && v <= 7).toBe(true);
  });
});
