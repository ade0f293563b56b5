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
import { dequantizeWeight } from '../quant/weights.js';

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

  it('a W8A8 convolution before a 16-bit quantizer gets float constants S_w*q, not weights dequantized at every run', async () => {
    const layers = (sim as unknown as { loaded: { placement: { layers: Parameters<typeof buildQdqModel>[1] } } }).loaded.placement.layers;
    const config = { groups: Object.fromEntries(sim.info.groups.map((g, i) => [g.id, i % 2 ? { w: 8, a: 16 } : { w: 8, a: 8 }])) };
    const plan = sim.plan(config);
    const { model, layerFormats } = buildQdqModel(sim.model, layers, plan);
    const floatKernel = layers.filter((l) => layerFormats[l.node.name] === 'int8-values/fp32-kernel');
    expect(floatKernel.length).toBeGreaterThan(5); // 9 of 25 here
    for (const spec of floatKernel) {
      const node = model.graph.nodes.find((n) => n.name === spec.node.name)!;
      const weight = model.graph.initializers.get(node.inputs[1])!;
      const planned = plan.weights.find((w) => w.layer === spec.node.name)!;
      expect(weight.data).toEqual(dequantizeWeight(planned, weight.dims, spec.channelAxis));
    }
    // In the graph onnxruntime runs, no float Conv reads a DequantizeLinear (before this rule, 9 did;
    // this configuration's last convolution has 16-bit inputs, so float weights anyway).
    const path = join(dir, 'mixed16.onnx');
    await ort.InferenceSession.create(encodeModel(model), { intraOpNumThreads: 1, logSeverityLevel: 3, optimizedModelFilePath: path });
    const optimized = decodeModel(readFileSync(path), null).graph;
    const dequantized = new Set(optimized.nodes.filter((n) => n.opType === 'DequantizeLinear').flatMap((n) => n.outputs));
    expect(optimized.nodes.filter((n) => n.opType === 'Conv' && dequantized.has(n.inputs[1])).map((n) => n.name)).toEqual([]);
  });
});
