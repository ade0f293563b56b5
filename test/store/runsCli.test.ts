/** `bitbench runs ...` in-process: output shapes, exit codes and messages. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/main.js';
import { createBackend } from '../../src-main/jobs/backend.js';
import { createSyntheticSearchRun } from '../../src-main/jobs/runFactory.js';
import { tempDir } from './fixtures.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

async function homeWithTwoRuns(): Promise<{ home: string; dir: string }> {
  const tmp = tempDir('bb-runs-cli-');
  cleanups.push(tmp.remove);
  const home = join(tmp.dir, 'home');
  const backend = createBackend({ home, mode: 'cli' });
  const a = createSyntheticSearchRun(backend.history.store, { evaluator: 'synthetic', groups: 4 });
  await backend.history.runToEnd(a);
  createSyntheticSearchRun(backend.history.store, { evaluator: 'synthetic', groups: 5, method: 'fixed' });
  await backend.close();
  return { home, dir: tmp.dir };
}

describe('bitbench runs', () => {
  it('lists runs as a table and as JSON, with filters', async () => {
    const { home } = await homeWithTwoRuns();
    const table = await cli('--home', home, 'runs', 'list');
    expect(table.code).toBe(0);
    expect(table.out.split('\n')[0]).toMatch(/^ID\s+KIND\s+STATUS\s+MODEL\s+DEVICE/);
    expect(table.out).toMatch(/2\s+search\s+queued\s+synthetic-5/);
    const json = JSON.parse((await cli('--home', home, '--json', 'runs', 'list', '--model', 'synthetic-4')).out);
    expect(json.runs.map((r: { id: number }) => r.id)).toEqual([1]);
    expect(JSON.parse((await cli('--home', home, '--json', 'runs', 'list', '--device', 'nano')).out).runs).toEqual([]);
  });

  it('shows and compares runs', async () => {
    const { home } = await homeWithTwoRuns();
    const shown = JSON.parse((await cli('--home', home, '--json', 'runs', 'show', '1')).out);
    expect(shown).toMatchObject({ id: 1, status: 'done', model: { name: 'synthetic-4' } });
    const compared = await cli('--home', home, 'runs', 'compare', '1', '1:2');
    expect(compared.code).toBe(0);
    expect(compared.out).toMatch(/^model synthetic-4, data -, device this computer/);
    expect(compared.out).toMatch(/fixed W8A8/);
  });

  it('exports and imports a run', async () => {
    const { home, dir } = await homeWithTwoRuns();
    const file = join(dir, 'run1.json');
    expect((await cli('--home', home, 'runs', 'export', '1', '--out', file)).code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ format: 'bitbench-run', run: { status: 'done' } });
    const imported = JSON.parse((await cli('--home', home, '--json', 'runs', 'import', file)).out);
    expect(imported).toEqual({ id: 3 });
    expect(JSON.parse((await cli('--home', home, '--json', 'runs', 'show', '3')).out).evaluations.length).toBeGreaterThan(10);
  });

  it('fails with a message and the right exit code', async () => {
    const { home, dir } = await homeWithTwoRuns();
    expect(await cli('--home', home, 'runs', 'show', 'abc')).toMatchObject({ code: 2, err: expect.stringMatching(/positive whole number/) });
    expect(await cli('--home', home, 'runs', 'show', '42')).toMatchObject({ code: 1, err: expect.stringMatching(/There is no run 42/) });
    expect(await cli('--home', home, 'runs', 'resume', '1')).toMatchObject({ code: 1, err: expect.stringMatching(/already finished/) });
    expect(await cli('--home', home, 'runs', 'import', join(dir, 'nope.json'))).toMatchObject({ code: 1, err: expect.stringMatching(/Cannot read/) });
    expect(await cli('--home', home, 'runs', 'compare', '1:x')).toMatchObject({ code: 2 });
  });

  it('resumes a queued run to the end', async () => {
    const { home } = await homeWithTwoRuns();
    const resumed = await cli('--home', home, '--json', 'runs', 'resume', '2');
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.out)).toMatchObject({ id: 2, status: 'done', evaluationsBefore: 0 });
  });
});
