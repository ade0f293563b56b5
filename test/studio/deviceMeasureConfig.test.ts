/** `bitbench device measure NAME MODEL --config FILE`: the configuration is exported as QDQ and measured. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/main.js';
import { demoSetup } from '../../src-main/jobs/studio/demo.js';

async function cli(home: string, ...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(['--home', home, '--json', ...argv], { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe('device measure with a configuration', () => {
  it('exports the configuration and measures the QDQ model on this computer', async () => {
    const home = mkdtempSync(join(tmpdir(), 'bb-measure-config-'));
    const demo = demoSetup();
    const inspected = JSON.parse((await cli(home, 'inspect', demo.modelPath)).out) as { groups: Array<{ id: string }> };
    const config = { groups: Object.fromEntries(inspected.groups.map((g, i) => [g.id, i % 2 ? { w: 4, a: 8 } : { w: 8, a: 8 }])) };
    const configFile = join(home, 'mixed.json');
    writeFileSync(configFile, JSON.stringify(config));
    const r = await cli(home, 'device', 'measure', 'this computer', demo.modelPath, '--config', configFile, '--calib', demo.calib, '--mean', '0.286', '--std', '0.353', '--runs', '10', '--warmup', '2');
    expect(r.code, r.err).toBe(0);
    const result = JSON.parse(r.out) as { precisions: string[]; runs: number; latencyMs: { median: number }; uploadedBytes: number };
    expect(result.precisions).toEqual(['INT8']);
    expect(result.runs).toBe(10);
    expect(result.latencyMs.median).toBeGreaterThan(0);
  }, 120_000);

  it('asks for calibration data instead of guessing activation ranges', async () => {
    const home = mkdtempSync(join(tmpdir(), 'bb-measure-config-'));
    const r = await cli(home, 'device', 'measure', 'this computer', demoSetup().modelPath, '--bits', 'W8A8');
    expect(r.code).toBe(1);
    expect(r.err).toContain('calibration');
  });
});
