// Latency in the loop, on this computer and on the SSH test device: per-layer profiles of the FP32
// and W8A8 (QDQ) models form a latency table; a mixed configuration is predicted from it and
// measured end to end; the table is corrected from end-to-end measurements. Prints the numbers
// the issue asks for: prediction error before/after correction, and the measure call's overhead.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../src-main/api/index.js';
import { runCli } from '../../src-main/cli/main.js';
import { LocalDevice } from '../../src-main/device/localDevice.js';
import type { MeasurableDevice } from '../../src-main/device/measurableDevice.js';
import { buildLatencyTable, correctLatencyTable, predictLatency, predictionError, type Observation } from '../../src-main/device/measure/latencyTable.js';
import { measureLatency } from '../../src-main/device/measure/measureLatency.js';
import { SshDevice } from '../../src-main/device/sshDevice.js';
import { inspectModel } from '../../src-main/engine/index.js';
import { RESNET20, startLab, type Lab } from './labFixture.js';

const CALIB = 'fmnist:/usr/share/datasets/fashion-mnist:train';
let lab: Lab;
let dir: string;
let info: ModelInfo;
let w8a8: string;
let mixed: string;
let mixedKeys: Record<string, string>;

async function exportModel(out: string, extra: string[]): Promise<void> {
  let err = '';
  const code = await runCli(['export', RESNET20, ...extra, '--calib', CALIB, '--calib-limit', '32', '--out', out], { stdout: () => undefined, stderr: (s) => (err += s) });
  if (code !== 0) throw new Error(`export failed: ${err}`);
}

beforeAll(async () => {
  lab = await startLab();
  dir = mkdtempSync(join(tmpdir(), 'bitbench-loop-'));
  info = await inspectModel(RESNET20);
  w8a8 = join(dir, 'w8a8.onnx');
  await exportModel(w8a8, ['--bits', 'W8A8']);
  // Mixed: the first half of the quantizer groups in W8A8, the rest left in float.
  const chosen = info.groups.slice(0, Math.floor(info.groups.length / 2));
  writeFileSync(join(dir, 'mixed.json'), JSON.stringify({ groups: Object.fromEntries(chosen.map((g) => [g.id, { w: 8, a: 8 }])) }));
  mixed = join(dir, 'mixed.onnx');
  await exportModel(mixed, ['--config', join(dir, 'mixed.json')]);
  const activations = new Set(chosen.flatMap((g) => g.activationQuantizers));
  mixedKeys = Object.fromEntries(chosen.flatMap((g) => g.weightQuantizers).map((layer) => [layer, activations.has(info.layers.find((l) => l.name === layer)?.inputs[0] ?? '') ? 'W8A8' : 'W8']));
}, 180_000);
afterAll(async () => {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function loop(device: MeasurableDevice): Promise<{ before: number; after: number; holdOut: [number, number] }> {
  const probe = await new LocalDevice().probe();
  const opts = { probe, runs: 150, warmup: 15 };
  const fp32 = await measureLatency(device, RESNET20, { ...opts, profile: true });
  const int8 = await measureLatency(device, w8a8, { ...opts, profile: true });
  expect(int8.precisions).toEqual(['INT8']);
  const { table } = buildLatencyTable({ layers: info.layers.map((l) => l.name), layerInputs: Object.fromEntries(info.layers.map((l) => [l.name, l.inputs])), profiles: { FP32: fp32.nodeMs!, W8A8: int8.nodeMs! }, endToEndMs: fp32.latencyMs.median });
  for (const layer of info.layers) expect(Object.keys(table.layers[layer.name]).sort()).toEqual(['FP32', 'W8A8']);
  const allW8A8 = Object.fromEntries(info.layers.map((l) => [l.name, 'W8A8']));
  const mixedRun = await measureLatency(device, mixed, opts);
  const obs: Observation[] = [
    { predictedMs: predictLatency(table, {}), measuredMs: fp32.latencyMs.median },
    { predictedMs: predictLatency(table, allW8A8), measuredMs: int8.latencyMs.median },
    { predictedMs: predictLatency(table, mixedKeys), measuredMs: mixedRun.latencyMs.median },
  ];
  const { table: corrected, factor } = correctLatencyTable(table, obs);
  const after = [predictLatency(corrected, {}), predictLatency(corrected, allW8A8), predictLatency(corrected, mixedKeys)].map((p, i) => ({ predictedMs: p, measuredMs: obs[i].measuredMs }));
  // Hold-out: correct from FP32 and W8A8 only, judge the mixed configuration it never saw.
  const fit = correctLatencyTable(table, obs.slice(0, 2)).table;
  const holdOut: [number, number] = [predictionError([obs[2]]), predictionError([{ predictedMs: predictLatency(fit, mixedKeys), measuredMs: obs[2].measuredMs }])];
  console.log(
    `${device.name}: medians FP32 ${obs[0].measuredMs.toFixed(3)} / W8A8 ${obs[1].measuredMs.toFixed(3)} / mixed ${obs[2].measuredMs.toFixed(3)} ms; ` +
      `predicted ${obs.map((o) => o.predictedMs.toFixed(3)).join(' / ')}; correction x${factor.toFixed(3)}; ` +
      `mean error ${(predictionError(obs) * 100).toFixed(1)}% -> ${(predictionError(after) * 100).toFixed(1)}%; mixed hold-out ${(holdOut[0] * 100).toFixed(1)}% -> ${(holdOut[1] * 100).toFixed(1)}%; ` +
      `unstable: ${[fp32, int8, mixedRun].map((m) => m.unstable).join('/')}`,
  );
  return { before: predictionError(obs), after: predictionError(after), holdOut };
}

describe('latency in the loop', () => {
  it('on this computer: the corrected table predicts no worse than the raw one', async () => {
    const r = await loop(new LocalDevice());
    expect(r.after).toBeLessThanOrEqual(r.before + 1e-9);
  });

  it('on the SSH test device, and the measure call costs little beyond the timed runs', async () => {
    const device = new SshDevice(lab.record(), lab.pool());
    const r = await loop(device);
    expect(r.after).toBeLessThanOrEqual(r.before + 1e-9);
    const probe = await new LocalDevice().probe();
    const long = await measureLatency(device, RESNET20, { probe, durationMs: 3000, warmup: 20 });
    const ratio = long.wallMs / long.runnerMs;
    console.log(`ssh measure wall/runner with a reused connection: ${ratio.toFixed(3)} (wall ${long.wallMs.toFixed(0)} ms, runner ${long.runnerMs.toFixed(0)} ms, uploaded ${long.uploadedBytes} bytes)`);
    expect(long.uploadedBytes).toBe(0);
    expect(ratio).toBeLessThan(2);
  });
});
