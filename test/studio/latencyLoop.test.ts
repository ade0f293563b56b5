/**
 * Measured latency as the search's metric, through the studio's own API on this computer: the
 * per-layer table is profiled on the device, the search runs on it, the choice is measured end to
 * end, and predicted and measured figures are both kept and reported.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SearchRequest } from '../../src-main/api/index.js';
import { createBackend } from '../../src-main/jobs/backend.js';
import { demoSetup } from '../../src-main/jobs/studio/demo.js';

describe('latency in the loop (studio search, this computer)', () => {
  it('searches on a measured table, checks it end to end and keeps predicted and measured', async () => {
    const backend = createBackend({ home: mkdtempSync(join(tmpdir(), 'bb-latloop-')), mode: 'cli' });
    try {
      const demo = demoSetup();
      const started = await backend.handlers['search.start'](SearchRequest.parse({
        modelPath: demo.modelPath,
        data: demo.data,
        calib: demo.calib,
        preprocess: demo.preprocess,
        method: 'pareto',
        candidates: ['W8A8', 'W8A16'],
        cost: 'latency',
        maxDrop: 1,
        limit: 400,
        calibLimit: 64,
        baselines: ['W8A8'],
      }));
      await backend.history.waitFor(started.runId);
      const run = await backend.handlers['runs.get']({ id: started.runId });
      expect(run.error).toBeNull();
      expect(run.status).toBe('done');
      const result = run.result as { costKind: string; latencyLoop: { rounds: Array<{ observations: Array<{ predictedMs: number; measuredMs: number }>; error: number }> } };
      expect(result.costKind).toBe('latency');
      const rounds = result.latencyLoop.rounds;
      expect(rounds.length).toBeGreaterThanOrEqual(1);
      expect(rounds.length).toBeLessThanOrEqual(3);
      for (const o of rounds.flatMap((r) => r.observations)) {
        expect(o.predictedMs).toBeGreaterThan(0);
        expect(o.measuredMs).toBeGreaterThan(0);
      }
      const last = rounds[rounds.length - 1];
      console.log(`latency loop: ${rounds.length} round(s); last mean error ${(last.error * 100).toFixed(1)}%`, JSON.stringify(rounds.map((r) => r.observations.map((o) => [o.predictedMs.toFixed(3), o.measuredMs.toFixed(3)]))));
      const report = await backend.handlers['runs.report']({ id: started.runId });
      const chosen = report!.compared.find((r) => r.kind === 'mixed')!;
      expect(report!.costAxis.name).toBe('Latency');
      expect(chosen.predictedLatencyMs).toBeGreaterThan(0);
      expect(chosen.latency?.median).toBeGreaterThan(0);
    } finally {
      await backend.close();
    }
  }, 600_000);
});

describe('bitbench search --cost latency --device NAME', () => {
  it('measures the table on the device, keeps both figures and records the run in the history', async () => {
    const { runCli } = await import('../../src-main/cli/main.js');
    const home = mkdtempSync(join(tmpdir(), 'bb-latcli-'));
    const demo = demoSetup();
    let out = '';
    let err = '';
    const code = await runCli(
      ['--home', home, '--json', 'search', demo.modelPath, '--data', demo.data, '--calib', demo.calib, '--mean', '0.286', '--std', '0.353', '--candidates', 'W8A8,W8A16', '--cost', 'latency', '--device', 'this computer', '--val-samples', '300', '--calib-samples', '64', '--baselines', 'W8A8'],
      { stdout: (s) => (out += s), stderr: (s) => (err += s) },
    );
    expect(code, err).toBe(0);
    const result = JSON.parse(out) as { runId: number; costKind: string; costUnit: string; chosen: { cost: number }; latencyLoop: { rounds: Array<{ observations: Array<{ predictedMs: number; measuredMs: number }> }> } };
    expect(result.costKind).toBe('latency');
    expect(result.costUnit).toBe('ms');
    expect(result.chosen.cost).toBeGreaterThan(0);
    expect(result.latencyLoop.rounds.length).toBeGreaterThanOrEqual(1);
    let list = '';
    await runCli(['--home', home, '--json', 'runs', 'list'], { stdout: (s) => (list += s), stderr: () => {} });
    expect(list).toContain(`"id": ${result.runId}`);
  }, 600_000);
});
