/**
 * Export formats on the ViT reference model and the 10k Fashion-MNIST test set (calibration: 512
 * train images):
 *   - W4A8 at --opset 21: every MatMul/Gemm weight is INT4 behind DequantizeLinear (counted in the
 *     file against the manifest), the file is smaller than the INT8 one, and the file run in plain
 *     onnxruntime gives the simulated accuracy within 0.1%;
 *   - FP16 float layers on a configuration that leaves half the groups in float: FLOAT16 weights,
 *     a smaller file, the simulated accuracy within 0.1% in plain onnxruntime, near the FP32 export;
 *   - the upgrade alone changes no number; a model already at opset 21 gets INT4 by default;
 *   - asking for INT4 at opset 17 without --opset fails with what to do.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QuantConfig } from '../../src-main/api/quant.js';
import { runCli } from '../../src-main/cli/main.js';
import type { Dataset } from '../../src-main/engine/data/dataset.js';
import { unpackInt4 } from '../../src-main/engine/export/int4.js';
import { QuantSimulator, uniformConfig } from '../../src-main/engine/index.js';
import { upgradeOpset } from '../../src-main/engine/graph/upgradeOpset.js';
import { decodeModel } from '../../src-main/engine/onnx/decode.js';
import { encodeModel } from '../../src-main/engine/onnx/encode.js';
import { type Model, elementCount } from '../../src-main/engine/onnx/ir.js';
import { DataType } from '../../src-main/engine/onnx/schema.js';
import { FMNIST_DIR, fmnist, modelPath, plainOnnxruntimeAccuracy } from './fixtures.js';

const out = mkdtempSync(join(tmpdir(), 'bitbench-formats-'));
const VIT = modelPath('fmnist_vit');
let test: Dataset;
let train: Dataset;
let sim17: QuantSimulator;

beforeAll(async () => {
  [test, train] = await Promise.all([fmnist('test'), fmnist('train')]);
  sim17 = await QuantSimulator.create(VIT, { calibration: train, calibrationLimit: 512 });
});
afterAll(async () => sim17?.dispose());

function opCounts(model: Model): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of model.graph.nodes) counts[n.opType] = (counts[n.opType] ?? 0) + 1;
  return counts;
}

describe('ViT W4A8 exported at opset 21 with INT4 MatMul/Gemm weights', () => {
  let sim21: QuantSimulator;
  beforeAll(async () => {
    sim21 = await QuantSimulator.create(VIT, { calibration: train, calibrationLimit: 512, format: { opset: 21 } });
  });
  afterAll(async () => sim21?.dispose());

  it('stores INT4 weights as the manifest says, is smaller than INT8, and runs at the simulated accuracy', async () => {
    expect(sim21.format).toEqual({ sourceOpset: 17, opset: 21, lowBitWeights: 'int4', float: 'fp32' });
    const config = uniformConfig(sim21.info, { w: 4, a: 8 });
    const int8Path = join(out, 'vit_w4a8_int8.onnx');
    const int4Path = join(out, 'vit_w4a8_int4.onnx');
    const m8 = await sim17.exportQdq(config, int8Path);
    const m4 = await sim21.exportQdq(config, int4Path);
    expect(m4).toMatchObject({ opset: 21, sourceOpset: 17, lowBitWeights: 'int4', float: 'fp32' });
    expect(m8).toMatchObject({ opset: 17, lowBitWeights: 'int8' });

    const file = decodeModel(readFileSync(int4Path), null);
    expect(file.opsets.find((o) => o.domain === '')?.version).toBe(21);
    expect(opCounts(file)).toEqual(m4.opCounts);
    const int4Layers = m4.layers.filter((l) => l.weightStorage === 'int4');
    // every MatMul/Gemm with a weight, and nothing else
    expect(int4Layers.map((l) => l.name).sort()).toEqual(m4.layers.filter((l) => (l.op === 'MatMul' || l.op === 'Gemm') && l.weightBits !== null).map((l) => l.name).sort());
    expect(int4Layers).toHaveLength(17);
    expect(int4Layers.every((l) => l.format === 'int4-weights/int8-activations')).toBe(true);
    expect(m4.layers.filter((l) => l.op === 'Conv').map((l) => l.weightStorage)).toEqual(['int8']);
    expect(m4.storage).toContain('int4');

    const int4Dq = file.graph.nodes.filter((n) => n.opType === 'DequantizeLinear' && file.graph.initializers.get(n.inputs[0])?.dataType === DataType.INT4);
    expect(int4Dq).toHaveLength(int4Layers.length);
    let int4Elements = 0;
    for (const dq of int4Dq) {
      expect(file.graph.initializers.get(dq.inputs[2])?.dataType).toBe(DataType.INT4);
      const consumer = file.graph.nodes.find((n) => n.inputs.includes(dq.outputs[0]))!;
      expect(int4Layers.map((l) => l.name)).toContain(consumer.name);
      const w = file.graph.initializers.get(dq.inputs[0])!;
      const count = elementCount(w.dims);
      int4Elements += count;
      expect((w.data as Uint8Array).length).toBe(Math.ceil(count / 2));
      expect(new Set(unpackInt4(w.data as Uint8Array, count)).size).toBeGreaterThan(8);
    }
    const int8Bytes = statSync(int8Path).size;
    const int4Bytes = statSync(int4Path).size;
    console.log(`ViT W4A8: INT8 file ${int8Bytes} B, INT4 file ${int4Bytes} B (${(int4Bytes / int8Bytes).toFixed(3)}x), ${int4Elements} INT4 weights`);
    expect(int8Bytes - int4Bytes).toBeGreaterThanOrEqual(Math.floor(int4Elements / 2));

    const simulated = (await sim21.evaluate(config, test)).accuracy!;
    const exported = await plainOnnxruntimeAccuracy(int4Path, test);
    const int8Exported = await plainOnnxruntimeAccuracy(int8Path, test);
    console.log(`ViT W4A8 INT4 opset 21: simulated ${simulated} exported ${exported}; INT8 opset 17 exported ${int8Exported}`);
    expect(Math.abs(exported - simulated)).toBeLessThanOrEqual(0.001);
    expect(Math.abs(exported - int8Exported)).toBeLessThanOrEqual(0.005);
  });
});

describe('opset 21 with INT8 storage', () => {
  it('computes exactly what opset 17 computes (the upgrade alone changes no number)', async () => {
    const sim = await QuantSimulator.create(VIT, { calibration: train, calibrationLimit: 512, format: { opset: 21, lowBitWeights: 'int8' } });
    try {
      const config = uniformConfig(sim.info, { w: 4, a: 8 });
      const upgraded = await sim.evaluate(config, test, { limit: 2000 });
      const original = await sim17.evaluate(config, test, { limit: 2000 });
      expect(upgraded.sqnrDb).toBe(original.sqnrDb);
      expect(upgraded.accuracy).toBe(original.accuracy);
    } finally {
      await sim.dispose();
    }
  });
});

describe('a model already at opset 21', () => {
  it('gets INT4 weights by default', async () => {
    const path = join(out, 'vit_opset21_float.onnx');
    writeFileSync(path, encodeModel(upgradeOpset(sim17.model, 21)));
    const sim = await QuantSimulator.create(path, { calibration: train, calibrationLimit: 64 });
    try {
      expect(sim.format).toEqual({ sourceOpset: 21, opset: 21, lowBitWeights: 'int4', float: 'fp32' });
      const manifest = await sim.exportQdq(uniformConfig(sim.info, { w: 4, a: 8 }), join(out, 'vit_opset21_w4a8.onnx'));
      expect(manifest.layers.filter((l) => l.weightStorage === 'int4')).toHaveLength(17);
      expect(manifest.notes.join(' ')).not.toContain('upgraded');
    } finally {
      await sim.dispose();
    }
  });
});

describe('FP16 float layers', () => {
  let sim16: QuantSimulator;
  beforeAll(async () => {
    sim16 = await QuantSimulator.create(VIT, { calibration: train, calibrationLimit: 512, format: { float: 'fp16' } });
  });
  afterAll(async () => sim16?.dispose());

  it('stores the float layers in FLOAT16, shrinks the file and runs at the simulated accuracy, near FP32', async () => {
    // the first half of the groups stays in float (the first with 8-bit activations), the rest W8A8
    const groups = sim16.info.groups;
    const half = Math.floor(groups.length / 2);
    const config: QuantConfig = { groups: { [groups[0].id]: { w: null, a: 8 }, ...Object.fromEntries(groups.slice(half).map((g) => [g.id, { w: 8, a: 8 }])) } };
    const fp32Path = join(out, 'vit_mixed_fp32.onnx');
    const fp16Path = join(out, 'vit_mixed_fp16.onnx');
    const m32 = await sim17.exportQdq(config, fp32Path);
    const m16 = await sim16.exportQdq(config, fp16Path);
    expect(m16.float).toBe('fp16');
    const floatLayers = m16.layers.filter((l) => l.weightBits === null && l.activationBits === null);
    expect(floatLayers.length).toBeGreaterThan(5);
    expect(floatLayers.every((l) => l.format === 'fp16')).toBe(true);
    expect(m32.layers.filter((l) => l.weightBits === null && l.activationBits === null).every((l) => l.format === 'fp32')).toBe(true);
    const floatWeightsIntActivations = m16.layers.filter((l) => l.group === groups[0].id && l.weightBits === null);
    expect(floatWeightsIntActivations.length).toBeGreaterThan(0);
    expect(floatWeightsIntActivations.every((l) => l.format === 'fp16-weights/int-activations' && l.weightStorage === 'float16')).toBe(true);
    const weighted = [...floatLayers, ...floatWeightsIntActivations].filter((l) => l.weightStorage !== null);
    expect(weighted.every((l) => l.weightStorage === 'float16')).toBe(true);

    const file = decodeModel(readFileSync(fp16Path), null);
    const source = sim17.model;
    expect(opCounts(file)).toEqual(m16.opCounts);
    const halves = [...file.graph.initializers.values()].filter((t) => t.dataType === DataType.FLOAT16);
    let halfElements = 0;
    for (const l of weighted) {
      const node = source.graph.nodes.find((n) => n.name === l.name)!;
      const original = source.graph.initializers.get(node.inputs[1])!;
      expect(file.graph.initializers.has(original.name)).toBe(false); // the float32 copy is gone
      halfElements += elementCount(original.dims);
    }
    expect(halves.length).toBeGreaterThanOrEqual(weighted.length);
    // each float layer's activation inputs are rounded through fp16 (one Cast pair per tensor)
    expect(file.graph.nodes.filter((n) => n.opType === 'Cast' && n.name.endsWith('_CastToFp16')).length).toBeGreaterThanOrEqual(floatLayers.length / 2);
    // onnxruntime keeps the rounding pairs (it would compute unrounded inputs otherwise)
    const optimizedPath = join(out, 'vit_mixed_fp16.optimized.onnx');
    await (await ort.InferenceSession.create(fp16Path, { intraOpNumThreads: 2, optimizedModelFilePath: optimizedPath })).release();
    const roundings = file.graph.nodes.filter((n) => n.name.endsWith('_CastToFp16')).map((n) => n.outputs[0]);
    const optimized = decodeModel(readFileSync(optimizedPath), null);
    for (const r of roundings) expect(optimized.graph.nodes.some((n) => n.opType === 'Cast' && n.inputs[0] === r)).toBe(true);
    const fp32Bytes = statSync(fp32Path).size;
    const fp16Bytes = statSync(fp16Path).size;
    console.log(`ViT mixed: FP32 float layers ${fp32Bytes} B, FP16 ${fp16Bytes} B (${(fp16Bytes / fp32Bytes).toFixed(3)}x)`);
    // 2 bytes saved per weight, less the added Cast nodes (measured ~7 kB of 162 kB)
    expect(fp32Bytes - fp16Bytes).toBeGreaterThanOrEqual(0.9 * 2 * halfElements);

    const simulated = (await sim16.evaluate(config, test)).accuracy!;
    const exported = await plainOnnxruntimeAccuracy(fp16Path, test);
    const fp32Exported = await plainOnnxruntimeAccuracy(fp32Path, test);
    console.log(`ViT mixed FP16: simulated ${simulated} exported ${exported}; FP32 float layers exported ${fp32Exported}`);
    expect(Math.abs(exported - simulated)).toBeLessThanOrEqual(0.001);
    expect(Math.abs(exported - fp32Exported)).toBeLessThanOrEqual(0.003);
  });
});

describe('format errors', () => {
  it('INT4 at opset 17 without --opset says to add --opset 21', async () => {
    let err = '';
    const code = await runCli(
      ['--json', '--home', join(out, 'home'), 'export', VIT, '--calib', `fmnist:${FMNIST_DIR}:train`, '--mean', '0.2860', '--std', '0.3530', '--calib-limit', '16', '--bits', 'W4A8', '--w4-storage', 'int4', '--out', join(out, 'refused.onnx')],
      { stdout: () => {}, stderr: (t) => (err += t) },
    );
    expect(code).toBe(1);
    const { error } = JSON.parse(err);
    expect(error.code).toBe('UNSUPPORTED_PRECISION');
    expect(error.message).toContain('opset 21');
    expect(error.hint).toContain('--opset 21');
  });
});
