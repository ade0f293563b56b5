/**
 * The README's main job, as a newcomer runs it: `bitbench demo` in a fresh home finishes, keeps the
 * run in the history and writes its HTML report with the mixed and fixed configurations measured.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../support/webMode.js';

const run = promisify(execFile);

describe('bitbench demo', () => {
  it('finishes and writes its report', async () => {
    const home = mkdtempSync(join(tmpdir(), 'bb-demo-cli-'));
    const { stdout } = await run(process.execPath, [join(projectRoot, 'bin', 'bitbench.js'), '--home', home, '--json', 'demo'], { cwd: projectRoot, timeout: 600_000 });
    const out = JSON.parse(stdout) as { runId: number; status: string; report: string; compared: Array<{ label: string; accuracy: number | null; latencyMedianMs: number | null }> };
    expect(out.status).toBe('done');
    expect(existsSync(out.report)).toBe(true);
    const html = readFileSync(out.report, 'utf8');
    expect(html).toContain('Mixed against fixed precision');
    expect(out.compared.map((c) => c.label)).toEqual(['Mixed (chosen)', 'W8A8', 'W4A8', 'W4A4', 'FP32']);
    for (const row of out.compared) {
      expect(row.accuracy).toBeGreaterThan(0.5);
      expect(row.latencyMedianMs).toBeGreaterThan(0);
    }
    const { stdout: list } = await run(process.execPath, [join(projectRoot, 'bin', 'bitbench.js'), '--home', home, '--json', 'runs', 'list'], { cwd: projectRoot });
    expect(JSON.stringify(JSON.parse(list))).toContain('Demo: ResNet-20');
  }, 600_000);
});
