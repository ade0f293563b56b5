/** The engine's CLI commands end to end: inspect, evaluate and export with --json. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/main.js';
import { FMNIST_DIR, modelPath } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'bitbench-cli-'));
const VIT = modelPath('fmnist_vit');
const DATA = ['--data', `fmnist:${FMNIST_DIR}:test`, '--mean', '0.2860', '--std', '0.3530'];

async function cli(args: string[]): Promise<{ code: number; json: any; stderr: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['--json', '--home', join(dir, 'home'), ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, json: out ? JSON.parse(out) : null, stderr: err };
}

describe('bitbench inspect / evaluate / export', () => {
  it('inspect --json lists inputs, outputs, layers and groups', async () => {
    const r = await cli(['inspect', VIT]);
    expect(r.code).toBe(0);
    expect(r.json.inputs[0]).toMatchObject({ name: 'input', shape: ['batch', 1, 28, 28] });
    expect(r.json.outputs[0].name).toBe('logits');
    expect(r.json.layers).toHaveLength(26);
    expect(r.json.layers[0]).toMatchObject({ name: '/patch/Conv', op: 'Conv', params: expect.any(Number), macs: expect.any(Number) });
    expect(r.json.groups[0]).toEqual(expect.objectContaining({ id: '/patch/Conv', quantizers: ['w:/patch/Conv', 'a:input'] }));
  });

  it('evaluate --bits FP32 and W8A8 --json', async () => {
    const fp32 = await cli(['evaluate', VIT, ...DATA, '--bits', 'FP32', '--limit', '300', '--calib-limit', '64']);
    expect(fp32.code).toBe(0);
    expect(fp32.json).toMatchObject({ samples: 300, sqnrDb: null, config: { groups: {} } });
    expect(fp32.json.accuracy).toBeGreaterThan(0.8);
    const w8 = await cli(['evaluate', VIT, ...DATA, '--calib', `fmnist:${FMNIST_DIR}:train`, '--bits', 'W8A8', '--limit', '300', '--calib-limit', '64', '--calibration', 'mse']);
    expect(w8.code).toBe(0);
    expect(w8.json.sqnrDb).toBeGreaterThan(20);
    expect(Math.abs(w8.json.accuracy - fp32.json.accuracy)).toBeLessThan(0.02);
    expect(w8.json.config.calibration).toBe('mse');
    expect(Object.keys(w8.json.config.groups)).toHaveLength(35);
  });

  it('export writes the model and the manifest; it needs calibration data', async () => {
    const out = join(dir, 'vit_w8a8.onnx');
    const missing = await cli(['export', VIT, '--bits', 'W8A8', '--out', out]);
    expect(missing.code).toBe(1);
    const r = await cli(['export', VIT, '--calib', `fmnist:${FMNIST_DIR}:train`, '--mean', '0.2860', '--std', '0.3530', '--calib-limit', '64', '--bits', 'W8A8', '--out', out]);
    expect(r.code).toBe(0);
    expect(existsSync(out) && existsSync(join(dir, 'vit_w8a8.manifest.json'))).toBe(true);
    expect(r.json.opCounts.QuantizeLinear).toBeGreaterThan(40);
    expect(r.json.layers.every((l: { format: string }) => l.format === 'int8')).toBe(true);
  });
});
