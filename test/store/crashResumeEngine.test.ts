/**
 * Done-when of issue 6 with the real engine: a Pareto-greedy search of ResNet-20 on Fashion-MNIST
 * (onnxruntime simulation, started through the studio's `search.start`) runs in a child process, is
 * killed with SIGKILL during phase 1, and is finished by `bitbench runs resume` in another process.
 * The search's own bookkeeping proves the point: the resumed attempt recalled every evaluation the
 * killed one had stored and ran only the rest, and every evaluation it used is stored exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunSearchResult } from '../../src-main/engine/search/runSearch.js';
import { createBackend } from '../../src-main/jobs/backend.js';
import { openHistoryStore } from '../../src-main/store/index.js';
import { tempDir } from './fixtures.js';

const ROOT = resolve(__dirname, '..', '..');
const STARTER = join(ROOT, 'test', 'store', 'support', 'startStudioSearch.ts');
const BITBENCH = join(ROOT, 'bin', 'bitbench.js');
const DEMO = join(ROOT, 'resources', 'demo');

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 120_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('crash and resume of a real search', () => {
  it('resumes a SIGKILLed engine search with `runs resume` without losing or redoing evaluations', async () => {
    const tmp = tempDir('bb-crash-engine-');
    cleanups.push(tmp.remove);
    const home = join(tmp.dir, 'home');
    const data = join(DEMO, 'fashion-mnist');
    const request = {
      modelPath: join(DEMO, 'fmnist_resnet20.onnx'),
      data: `fmnist:${data}:test`,
      calib: `fmnist:${data}:train`,
      preprocess: { scale: 1 / 255, mean: [0.286], std: [0.353], layout: 'nchw', channels: 'gray' },
      method: 'pareto',
      candidates: ['W4A8', 'W8A8'],
      baselines: ['W8A8', 'W4A8'],
      limit: 100,
      calibLimit: 32,
      measure: false,
      title: 'crash test',
    };

    const child = spawn(process.execPath, ['--import', 'tsx', STARTER, home, JSON.stringify(request)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.unshift(() => child.kill('SIGKILL'));
    const childExit = exited(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    const runId = await waitFor('the run id', () => (/^(\d+)\n/.exec(out) ? Number(/^(\d+)\n/.exec(out)![1]) : undefined));

    const store = openHistoryStore(join(home, 'bitbench.sqlite'));
    cleanups.unshift(() => store.close());
    await waitFor(`8 stored evaluations (child stderr: ${err})`, () => (store.results.countEvaluations(runId) >= 8 ? true : undefined));
    child.kill('SIGKILL');
    expect((await childExit).signal).toBe('SIGKILL');

    const atKill = store.results.evaluationsForRun(runId);
    expect(store.runs.get(runId)).toMatchObject({ status: 'running', ownerPid: child.pid });

    const resumed = spawn(process.execPath, [BITBENCH, '--home', home, '--json', 'runs', 'resume', String(runId)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let resumedOut = '';
    let resumedErr = '';
    resumed.stdout!.on('data', (d) => (resumedOut += d));
    resumed.stderr!.on('data', (d) => (resumedErr += d));
    expect((await exited(resumed)).code, resumedErr).toBe(0);
    const summary = JSON.parse(resumedOut) as { status: string; evaluationsBefore: number; evaluationsAfter: number };
    expect(summary).toMatchObject({ status: 'done', evaluationsBefore: atKill.length });

    const final = store.runDetail(runId)!;
    const result = final.result as RunSearchResult;
    if (process.env.BB_CRASH_DEBUG) console.info(`killed at ${atKill.length} stored; resumed attempt ran ${result.evaluations}, recalled ${result.evaluationsUsed - result.evaluations}; ${final.evaluations.length} rows in the end`);
    // Nothing lost: every evaluation stored before the kill is still there, with the same numbers.
    const byKey = new Map(final.evaluations.map((e) => [e.key, e]));
    for (const e of atKill) expect(byKey.get(e.key)).toMatchObject({ id: e.id, accuracy: e.accuracy, sqnrDb: e.sqnrDb, createdAt: e.createdAt });
    // Nothing computed twice: the resumed search ran only evaluations the killed one had not
    // stored, and every evaluation the search used is stored exactly once. (After the search, the
    // studio job evaluates a few more front points under its own "front:" keys; the kill landed in
    // phase 1, before any of those.)
    const searchRows = final.evaluations.filter((e) => !e.key.startsWith('front:'));
    expect(atKill.every((e) => !e.key.startsWith('front:'))).toBe(true);
    expect(result.evaluations).toBe(searchRows.length - atKill.length);
    expect(result.evaluations).toBeGreaterThan(0);
    expect(result.evaluationsUsed).toBe(searchRows.length);
    expect(new Set(final.evaluations.map((e) => e.key)).size).toBe(final.evaluations.length);
    expect(summary.evaluationsAfter).toBe(final.evaluations.length);
    expect(final.status).toBe('done');
    expect(result.chosen).not.toBeNull();

    // The finished run reports like any other, and the history remembers the report.
    const backend = createBackend({ home, mode: 'cli' });
    const exported = await backend.handlers['reports.export']({ runId, format: 'json' });
    await backend.close();
    expect(store.outputs.reportsForRun(runId)).toEqual([expect.objectContaining({ runId, format: 'json', path: exported.path })]);

    expect(store.integrityCheck()).toBe('ok');
    expect(store.db.pragma('foreign_key_check')).toEqual([]);
  });
});
