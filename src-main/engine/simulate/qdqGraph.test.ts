import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { openDataset } from '../data/open.js';
import { decodeModel } from '../onnx/decode.js';
import { encodeModel } from '../onnx/encode.js';
import type { Model } from '../onnx/ir.js';
import { uniformConfig } from '../config/resolveConfig.js';
import { QuantSimulator } from './simulator.js';
import { buildQdqModel } from './qdqGraph.js';

let sim: QuantSimulator;
const pre = { mean: [0.286], std: [0.353] };

beforeAll(async () => {
  const calibration = await openDataset('fmnist:/usr/share/datasets/fashion-mnist:test', pre);
  sim = await QuantSimulator.create('/work/shared/models/fmnist_resnet20.onnx', { calibration, calibrationLimit: 64 });
});
afterAll(async () => sim?.dispose());

const count = (m: Model, op: string): number => m.graph.nodes.filter((n) => n.opType === op).length;
const layers = () => (sim as unknown as { loaded: { placement: { layers: Parameters<typeof buildQdqModel>[1] } } }).loaded.placement.layers;
const build = (w: number | null, a: number | null, wide: 'qdq16' | 'fakequant' = 'fakequant') => buildQdqModel(sim.model, layers(), sim.plan(uniformConfig(sim.info, { w, a })), { wideActivations: wide });

describe('QDQ graph rewrite', () => {
  it('W8A8: one Q/DQ per activation quantizer, int8 weights and int32 biases, clamps absorbed', () => {
    const { model, layerFormats } = build(8, 8);
    const activations = sim.info.groups.flatMap((g) => g.activationQuantizers).length;
    expect(count(model, 'QuantizeLinear')).toBe(activations);
    expect(count(model, 'DequantizeLinear')).toBe(activations + 22 + 22);
    expect(count(model, 'Min')).toBe(0);
    expect(count(model, 'Conv')).toBe(21);
    // every Relu feeding a quantizer is absorbed (range starts at 0); the last one feeds the float pooling
    expect(count(model, 'Relu')).toBe(1);
    expect(Object.values(layerFormats).every((f) => f === 'int8')).toBe(true);
    const int8 = [...model.graph.initializers.values()].filter((t) => t.dataType === 3 && t.dims.length > 1);
    expect(int8).toHaveLength(22);
  });

  it('W4A8 keeps weights on the 4-bit grid; W8A4 restricts activation levels with Min', () => {
    const w4 = build(4, 8).model;
    for (const t of w4.graph.initializers.values()) {
      if (t.dataType === 3 && t.dims.length > 1) for (const v of t.data as Int8Array) expect(v >= -8 && v <= 7).toBe(true);
    }
    const a4 = build(8, 4).model;
    const activations = sim.info.groups.flatMap((g) => g.activationQuantizers).length;
    expect(count(a4, 'Min')).toBe(activations);
    const qmax = [...a4.graph.initializers.values()].filter((t) => t.name.endsWith('_qmax'));
    expect(qmax.map((t) => (t.data as Uint8Array)[0])).toEqual(new Array(activations).fill(15));
  });

  it('onnxruntime, with its integer kernels, produces only 2^b levels for a b-bit activation', async () => {
    const { model } = build(4, 3);
    const tapped = '_layers_layers_4_Relu_output_0_dequantized';
    expect(model.graph.nodes.some((n) => n.outputs.includes(tapped))).toBe(true);
    const withTap: Model = { ...model, graph: { ...model.graph, outputs: [...model.graph.outputs, { name: tapped, elemType: 1, shape: null }] } };
    const session = await ort.InferenceSession.create(encodeModel(withTap), { intraOpNumThreads: 1 });
    const data = await openDataset('fmnist:/usr/share/datasets/fashion-mnist:test', pre);
    for await (const batch of data.batches({ batchSize: 32, count: 32 })) {
      const out = await session.run({ input: new ort.Tensor('float32', batch.input, batch.dims) });
      const distinct = new Set(out[tapped].data as Float32Array);
      expect(distinct.size).toBeLessThanOrEqual(8);
      expect(distinct.size).toBeGreaterThan(3);
    }
  });

  it('the elementwise float form of wide activations computes exactly what UINT16 QuantizeLinear/DequantizeLinear define', async () => {
    const data = await openDataset('fmnist:/usr/share/datasets/fashion-mnist:test', pre);
    const outputs: Float32Array[] = [];
    for (const wide of ['qdq16', 'fakequant'] as const) {
      // optimizations off: the graphs' own semantics, before onnxruntime rewrites anything
      const model = buildQdqModel(sim.model, layers(), sim.plan(uniformConfig(sim.info, { w: 8, a: 16 })), { wideActivations: wide, blockedForm: false }).model;
      const session = await ort.InferenceSession.create(encodeModel(model), { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
      for await (const batch of data.batches({ batchSize: 16, count: 16 })) {
        outputs.push((await session.run({ input: new ort.Tensor('float32', batch.input, batch.dims) })).logits.data as Float32Array);
      }
    }
    expect(Array.from(outputs[1])).toEqual(Array.from(outputs[0]));
  });

  it('the channel-blocked form puts 16-bit activations of convolutions on the same grid (reciprocal scale) and stays in NCHWc', async () => {
    const { model } = build(8, 16);
    // every activation but the network input (1 channel) and the classifier input (2-D) is blocked
    expect(count(model, 'Div')).toBe(2);
    const tapped = '_layers_layers_4_Relu_output_0_dequantized';
    const withTap: Model = { ...model, graph: { ...model.graph, outputs: [...model.graph.outputs, { name: tapped, elemType: 1, shape: null }] } };
    const scale = sim.plan(uniformConfig(sim.info, { w: 8, a: 16 })).activations.find((a) => a.tensor === '/layers/layers.4/Relu_output_0')!.scale;
    const optimized = join(mkdtempSync(join(tmpdir(), 'bitbench-qdq-')), 'optimized.onnx');
    const session = await ort.InferenceSession.create(encodeModel(withTap), { intraOpNumThreads: 1, optimizedModelFilePath: optimized });
    // no conversion back to NCHW between convolutions: one reorder at the end (global pooling), a
    // second for the tapped tensor
    const ops = decodeModel(readFileSync(optimized), null).graph.nodes.map((n) => n.opType);
    expect(ops.filter((op) => op === 'ReorderInput')).toHaveLength(0);
    expect(ops.filter((op) => op === 'ReorderOutput').length).toBeLessThanOrEqual(2);
    const data = await openDataset('fmnist:/usr/share/datasets/fashion-mnist:test', pre);
    for await (const batch of data.batches({ batchSize: 16, count: 16 })) {
      const values = (await session.run({ input: new ort.Tensor('float32', batch.input, batch.dims) }))[tapped].data as Float32Array;
      const levels = new Set<number>();
      for (const v of values) {
        const level = Math.round(v / scale);
        expect(v).toBe(Math.fround(level * scale)); // exactly a level times the scale
        expect(level >= 0 && level <= 65535).toBe(true);
        levels.add(level);
      }
      expect(levels.size).toBeGreaterThan(256); // a 16-bit grid, not an 8-bit one
    }
  });
});
