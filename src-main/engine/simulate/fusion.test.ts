/**
 * The speed promise of the QDQ rewrite: onnxruntime must fuse every quantized convolution into its
 * integer kernels at every bit-width <= 8, including ReLU6 networks whose Clip the rewrite absorbs.
 * Checked on the graph onnxruntime actually runs (its optimized model file).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../data/open.js';
import { decodeModel } from '../onnx/decode.js';
import { encodeModel } from '../onnx/encode.js';
import { uniformConfig } from '../config/resolveConfig.js';
import { QuantSimulator } from './simulator.js';
import { buildQdqModel } from './qdqGraph.js';

let sim: QuantSimulator;
const dir = mkdtempSync(join(tmpdir(), 'bitbench-fusion-'));

beforeAll(async () => {
  const calibration = await openDataset('fmnist:/usr/share/datasets/fashion-mnist:test', { mean: [0.286], std: [0.353] });
  sim = await QuantSimulator.create('/work/shared/models/fmnist_mobilenetv2.onnx', { calibration, calibrationLimit: 64 });
});
afterAll(async () => sim?.dispose());

describe('integer-kernel fusion (MobileNetV2, ReLU6 as Clip)', () => {
  it.each([8, 6, 4])('A%i: every quantized Conv runs as QLinearConv, no Clip left', async (a) => {
    const layers = (sim as unknown as { loaded: { placement: { layers: Parameters<typeof buildQdqModel>[1] } } }).loaded.placement.layers;
    const model = buildQdqModel(sim.model, layers, sim.plan(uniformConfig(sim.info, { w: 4, a }))).model;
    const path = join(dir, `a${a}.onnx`);
    await ort.InferenceSession.create(encodeModel(model), { intraOpNumThreads: 1, logSeverityLevel: 3, optimizedModelFilePath: path });
    const ops: Record<string, number> = {};
    for (const n of decodeModel(readFileSync(path), null).graph.nodes) ops[n.opType] = (ops[n.opType] ?? 0) + 1;
    // 25 convolutions: all but the last (whose output feeds the float pooling) are integer
    expect(ops.QLinearConv).toBe(24);
    expect(ops.Clip ?? 0).toBe(0);
    expect(ops.QLinearAdd).toBe(4);
  });
});
