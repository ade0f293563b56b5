/**
 * Shape/Size nodes of a quantized tensor read its integer tensor, not the dequantized one:
 * onnxruntime gives every reader of a DequantizeLinear its own full copy, so a Shape on the
 * dequantized residual stream of the ViT cost a whole extra pass per reader. Checked on the graph
 * onnxruntime actually runs: as many Shape nodes as in the FP32 model (its common-subexpression
 * elimination merges them again) and no DequantizeLinear left without a reader that needs values.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../data/open.js';
import { decodeModel } from '../onnx/decode.js';
import { encodeModel } from '../onnx/encode.js';
import type { Model } from '../onnx/ir.js';
import { uniformConfig } from '../config/resolveConfig.js';
import { QuantSimulator } from './simulator.js';
import { buildQdqModel } from './qdqGraph.js';

let sim: QuantSimulator;
const dir = mkdtempSync(join(tmpdir(), 'bitbench-shape-'));

beforeAll(async () => {
  const calibration = await openDataset('fmnist:/usr/share/datasets/fashion-mnist:test', { mean: [0.286], std: [0.353] });
  sim = await QuantSimulator.create('/work/shared/models/fmnist_vit.onnx', { calibration, calibrationLimit: 32 });
});
afterAll(async () => sim?.dispose());

async function optimizedOps(model: Model, name: string): Promise<string[]> {
  const path = join(dir, `${name}.onnx`);
  const session = await ort.InferenceSession.create(encodeModel(model), { intraOpNumThreads: 1, logSeverityLevel: 3, optimizedModelFilePath: path });
  await session.release();
  return decodeModel(readFileSync(path), null).graph.nodes.map((n) => n.opType);
}

describe('Shape readers of quantized tensors (ViT)', () => {
  it('read the integer tensor, and onnxruntime runs as many Shape nodes as for FP32', async () => {
    const layers = (sim as unknown as { loaded: { placement: { layers: Parameters<typeof buildQdqModel>[1] } } }).loaded.placement.layers;
    const { model } = buildQdqModel(sim.model, layers, sim.plan(uniformConfig(sim.info, { w: 8, a: 8 })));
    const shapes = model.graph.nodes.filter((n) => n.opType === 'Shape');
    expect(shapes.length).toBeGreaterThan(0);
    expect(shapes.filter((n) => n.inputs[0].endsWith('_dequantized'))).toHaveLength(0);
    expect(shapes.some((n) => n.inputs[0].endsWith('_quantized'))).toBe(true);
    const count = (ops: string[], op: string) => ops.filter((o) => o === op).length;
    const fp32 = await optimizedOps(sim.model, 'fp32');
    const w8a8 = await optimizedOps(model, 'w8a8');
    expect(count(w8a8, 'Shape')).toBe(count(fp32, 'Shape'));
  });
});
