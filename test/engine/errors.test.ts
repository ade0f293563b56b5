/**
 * Bad input gets a typed error with a hint, never a crash or a hang: one case per kind of mistake,
 * through the engine API and through the CLI (exit code 1 and the error as JSON).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BitbenchError } from '../../src-main/api/errors.js';
import { runCli } from '../../src-main/cli/main.js';
import { QuantSimulator, loadModel, uniformConfig } from '../../src-main/engine/index.js';
import { decodeModel } from '../../src-main/engine/onnx/decode.js';
import { encodeModel } from '../../src-main/engine/onnx/encode.js';
import { ArrayDataset } from './arrayDataset.js';
import { FMNIST_DIR, modelPath } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'bitbench-errors-'));
const RESNET = modelPath('fmnist_resnet20');

async function errorOf(p: Promise<unknown>): Promise<BitbenchError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof BitbenchError) return error;
    throw new Error(`untyped error: ${String(error)}`);
  }
  throw new Error('expected an error');
}

async function cli(args: string[]): Promise<{ code: number; error: { code: string; message: string; hint?: string } | null }> {
  let err = '';
  const code = await runCli(['--json', '--home', join(dir, 'home'), ...args], { stdout: () => {}, stderr: (t) => (err += t) });
  return { code, error: err ? JSON.parse(err).error : null };
}

/** A few random-looking samples shaped like Fashion-MNIST. */
const samples = (n: number, dims = [1, 28, 28]): Float32Array => Float32Array.from({ length: n * dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i));

describe('typed errors for bad input', () => {
  it('a file that is not ONNX', async () => {
    const path = join(dir, 'notes.onnx');
    writeFileSync(path, 'these are my notes, not a model\n'.repeat(20));
    const e = await errorOf(loadModel(path));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.hint).toBeTruthy();
    const r = await cli(['inspect', path]);
    expect(r.code).toBe(1);
    expect(r.error?.code).toBe('INVALID_MODEL');
  });

  it('a truncated model file', async () => {
    const path = join(dir, 'truncated.onnx');
    const bytes = readFileSync(RESNET);
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const e = await errorOf(loadModel(path));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toMatch(/truncated/);
  });

  it('an unsupported op in a quantizable position names the node', async () => {
    // A Conv whose weight is computed at run time (here through an Identity node).
    const model = decodeModel(readFileSync(RESNET), null);
    const conv = model.graph.nodes.find((n) => n.name === '/layers/layers.0/c1/Conv')!;
    model.graph.nodes.splice(model.graph.nodes.indexOf(conv), 0, { name: 'weight_copy', opType: 'Identity', domain: '', inputs: [conv.inputs[1]], outputs: ['copied_weight'], attributes: [] });
    conv.inputs[1] = 'copied_weight';
    const path = join(dir, 'runtime-weight.onnx');
    writeFileSync(path, encodeModel(model));
    const e = await errorOf(loadModel(path));
    expect(e.code).toBe('UNSUPPORTED_OP');
    expect(e.message).toContain('/layers/layers.0/c1/Conv');
  });

  it('an already-quantized model names its first quantized node', async () => {
    const calibration = new ArrayDataset([1, 28, 28], samples(8), null);
    const sim = await QuantSimulator.create(RESNET, { calibration, calibrationLimit: 8 });
    const path = join(dir, 'quantized.onnx');
    await sim.exportQdq(uniformConfig(sim.info, { w: 8, a: 8 }), path);
    await sim.dispose();
    const e = await errorOf(loadModel(path));
    expect(e.code).toBe('UNSUPPORTED_OP');
    expect(e.message).toMatch(/already quantized/);
  });

  it('data whose shape does not fit the model input', async () => {
    const wrong = new ArrayDataset([1, 32, 32], samples(4, [1, 32, 32]), null, 'wrong-shape');
    const e = await errorOf(QuantSimulator.create(RESNET, { calibration: wrong }));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toContain('[1, 32, 32]');
  });

  it('an empty dataset and a corrupt one', async () => {
    const empty = new ArrayDataset([1, 28, 28], new Float32Array(0), null, 'empty');
    expect((await errorOf(QuantSimulator.create(RESNET, { calibration: empty }))).code).toBe('INVALID_DATASET');
    const corrupt = join(dir, 'fmnist-corrupt');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(corrupt, { recursive: true });
    for (const f of ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) writeFileSync(join(corrupt, f), readFileSync(join(FMNIST_DIR, f)).subarray(0, 500));
    const r = await cli(['evaluate', RESNET, '--data', `fmnist:${corrupt}:test`, '--bits', 'W8A8']);
    expect(r.code).toBe(1);
    expect(r.error?.code).toBe('INVALID_DATASET');
  });

  it('labels missing when accuracy is asked for', async () => {
    const unlabelled = new ArrayDataset([1, 28, 28], samples(16), null, 'unlabelled');
    const sim = await QuantSimulator.create(RESNET, { calibration: unlabelled, calibrationLimit: 16 });
    try {
      const result = await sim.evaluate(uniformConfig(sim.info, { w: 8, a: 8 }), unlabelled);
      expect(result.accuracy).toBeNull();
      expect(Number.isFinite(result.sqnrDb)).toBe(true);
      const e = await errorOf(sim.evaluate(uniformConfig(sim.info, { w: 8, a: 8 }), unlabelled, { requireLabels: true }));
      expect(e.code).toBe('LABELS_MISSING');
    } finally {
      await sim.dispose();
    }
  });

  it('a bad configuration file and a bad bit pair', async () => {
    const path = join(dir, 'config.json');
    writeFileSync(path, '{"groups": {"/stem/stem.0/Conv": {"w": 1, "a": 8}}}');
    const data = `fmnist:${FMNIST_DIR}:test`;
    const r1 = await cli(['evaluate', RESNET, '--data', data, '--mean', '0.286', '--std', '0.353', '--config', path, '--limit', '10', '--calib-limit', '10']);
    expect(r1.error?.code).toBe('INVALID_CONFIG');
    const r2 = await cli(['evaluate', RESNET, '--data', data, '--bits', 'W9X', '--limit', '10', '--calib-limit', '10']);
    expect(r2.error?.code).toBe('INVALID_CONFIG');
  });
});
