// Latency as the search's metric, end to end against the SSH test device, through the CLI:
// per-layer table measured on the device -> `search --cost latency` -> the chosen configuration
// exported and measured end to end -> the table corrected from that measurement -> search re-run.
// Both the predicted and the measured figure are printed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeasureResult } from '../../src-main/api/index.js';
import { runCli } from '../../src-main/cli/main.js';
import { correctLatencyTable, predictionError } from '../../src-main/device/measure/latencyTable.js';
import { RESNET20, startLab, type Lab } from './labFixture.js';

const DATA = ['--data', 'fmnist:/usr/share/datasets/fashion-mnist:test', '--mean', '0.2860', '--std', '0.3530'];
const CALIB = ['--calib', 'fmnist:/usr/share/datasets/fashion-mnist:train', '--calib-limit', '64', '--mean', '0.2860', '--std', '0.3530'];
let lab: Lab;
let home: string;
beforeAll(async () => {
  lab = await startLab();
  home = mkdtempSync(join(tmpdir(), 'bitbench-latsearch-'));
});
afterAll(async () => {
  await lab?.stop();
  rmSync(home, { recursive: true, force: true });
});

async function cli(...argv: string[]): Promise<unknown> {
  let out = '';
  let err = '';
  const code = await runCli(['--home', home, '--json', ...argv], { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  if (code !== 0) throw new Error(`bitbench ${argv.join(' ')} failed (${code}): ${err}`);
  return JSON.parse(out);
}

interface SearchJson {
  costKind: string;
  costUnit: string;
  chosen: { cost: number; accuracy: number; config: { groups: Record<string, { w: number | null; a: number | null }> } };
}
const search = (table: string): Promise<SearchJson> =>
  cli('search', RESNET20, ...DATA, '--candidates', 'W8A8,W8A16', '--cost', 'latency', '--latency-table', table, '--calib-samples', '64', '--phase1-samples', '32', '--val-samples', '300', '--baselines', 'W8A8', '--no-progress') as Promise<SearchJson>;

describe('latency-cost search on the SSH device', () => {
  it('searches with the measured table, measures the choice, corrects the table and searches again', async () => {
    await cli('device', 'add', 'lab', '--host', '127.0.0.1', '--port', String(lab.sshd.port), '--user', lab.sshd.user, '--key', lab.sshd.userKey, '--work-dir', join(lab.remote, 'w'), '--trust-fingerprint', lab.sshd.fingerprint());
    const w8a8 = join(home, 'w8a8.onnx');
    await cli('export', RESNET20, '--bits', 'W8A8', ...CALIB, '--out', w8a8);
    const w8a16 = join(home, 'w8a16.onnx');
    await cli('export', RESNET20, '--bits', 'W8A16', ...CALIB, '--out', w8a16);
    const tablePath = join(home, 'table.json');
    await cli('device', 'latency-table', 'lab', RESNET20, '--variant', `W8A8=${w8a8}`, '--variant', `W8A16=${w8a16}`, '--out', tablePath, '--runs', '60', '--warmup', '10');
    const table = JSON.parse(readFileSync(tablePath, 'utf8'));
    expect(table.device).toBe('lab');
    expect(Object.keys(table.layers['/layers/layers.0/c1/Conv']).sort()).toEqual(['FP32', 'W8A16', 'W8A8']);

    const first = await search(tablePath);
    expect(first.costKind).toBe('latency');
    expect(first.costUnit).toBe('ms');
    const configPath = join(home, 'chosen.json');
    writeFileSync(configPath, JSON.stringify(first.chosen.config));
    const chosenModel = join(home, 'chosen.onnx');
    await cli('export', RESNET20, '--config', configPath, ...CALIB, '--out', chosenModel);
    const measured = MeasureResult.parse(await cli('device', 'measure', 'lab', chosenModel, '--runs', '100', '--warmup', '10'));
    expect(measured.uploadedBytes).toBeGreaterThan(0); // a new model; the runtime was cached

    const before = { predictedMs: first.chosen.cost, measuredMs: measured.latencyMs.median };
    const { table: corrected, factor } = correctLatencyTable(table, [before]);
    const correctedPath = join(home, 'table-corrected.json');
    writeFileSync(correctedPath, JSON.stringify(corrected));
    const second = await search(correctedPath);
    const mix = Object.values(first.chosen.config.groups).map((p) => `W${p.w}A${p.a}`);
    const after = { predictedMs: second.chosen.cost, measuredMs: measured.latencyMs.median };
    console.log(
      `latency search on lab: chosen predicted ${before.predictedMs.toFixed(3)} ms, measured ${before.measuredMs.toFixed(3)} ms (error ${(predictionError([before]) * 100).toFixed(1)}%); ` +
        `table x${factor.toFixed(3)}; re-run predicts ${after.predictedMs.toFixed(3)} ms (error ${(predictionError([after]) * 100).toFixed(1)}%); accuracy ${(first.chosen.accuracy * 100).toFixed(1)}% -> ${(second.chosen.accuracy * 100).toFixed(1)}%; ` +
        `chosen ${mix.filter((m) => m === 'W8A8').length}xW8A8 ${mix.filter((m) => m === 'W8A16').length}xW8A16; table medians FP32/W8A8/W8A16 from the device`,
    );
    // A uniform correction keeps the ranking, so the re-run picks the same configuration and now
    // predicts its measured latency.
    expect(second.chosen.config).toEqual(first.chosen.config);
    expect(predictionError([after])).toBeLessThan(0.01);
  });
});
