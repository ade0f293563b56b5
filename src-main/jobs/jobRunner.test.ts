import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../api/index.js';
import type { SearchResult } from '../engine/search/result.js';
import { openHistoryStore, type HistoryStore } from '../store/index.js';
import { EventHub } from './events.js';
import { builtInExecutors } from './executors/index.js';
import { JobRunner } from './jobRunner.js';
import { createSyntheticSearchRun } from './runFactory.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function setup(): { store: HistoryStore; events: EventHub; runner: JobRunner; seen: ApiEvent[] } {
  const dir = mkdtempSync(join(tmpdir(), 'bb-jobs-'));
  const store = openHistoryStore(join(dir, 'bitbench.sqlite'));
  cleanups.push(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const events = new EventHub();
  const seen: ApiEvent[] = [];
  events.subscribe((e) => seen.push(e));
  return { store, events, runner: new JobRunner(store, events, builtInExecutors), seen };
}

const settings = { evaluator: 'synthetic' as const, groups: 6, evaluationDelayMs: 4 };

/** Stops the run (pause or cancel) once phase 1 has finished `after` steps. */
function stopDuringSensitivity(events: EventHub, runner: JobRunner, runId: number, how: 'pause' | 'cancel', after = 3): void {
  const off = events.subscribe((e) => {
    if (e.type === 'progress' && e.phase === 'sensitivity' && e.done >= after) {
      off();
      if (how === 'pause') runner.pause(runId);
      else runner.cancel(runId);
    }
  });
}

describe('job runner', () => {
  it('runs a search, storing every evaluation, the chosen configuration and the costs', async () => {
    const { store, runner, seen } = setup();
    const runId = createSyntheticSearchRun(store, settings);
    expect(await runner.run(runId)).toBe('done');
    const detail = store.runDetail(runId)!;
    const result = detail.result as SearchResult;
    expect(detail.status).toBe('done');
    expect(detail.evaluations).toHaveLength(result.evaluations);
    expect(result.evaluations).toBeGreaterThan(10);
    expect(detail.chosenConfigurationId).not.toBeNull();
    const baseline = detail.evaluations.find((e) => e.split === 'validation' && detail.configurations.find((c) => c.id === e.configurationId)?.label === 'fixed W8A8');
    expect(baseline?.bops).toBeGreaterThan(0);
    expect(baseline?.sizeBytes).toBeGreaterThan(0);
    expect(seen.some((e) => e.type === 'progress' && e.jobId === `run-${runId}` && e.phase === 'sensitivity')).toBe(true);
    expect(detail.progress?.phase).toBeTruthy();
    expect(seen.filter((e) => e.type === 'run').map((e) => e.type === 'run' && e.status)).toEqual(['running', 'done']);
    await expect(runner.run(runId)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('pauses partway, keeps finished work, and resumes without redoing it', async () => {
    const { store, events, runner, seen } = setup();
    const straight = createSyntheticSearchRun(store, settings);
    await runner.run(straight);
    const straightResult = store.runs.get(straight)!.result as SearchResult;

    const runId = createSyntheticSearchRun(store, settings);
    stopDuringSensitivity(events, runner, runId, 'pause');
    expect(await runner.run(runId)).toBe('paused');
    const kept = store.results.countEvaluations(runId);
    expect(kept).toBeGreaterThan(3);
    expect(kept).toBeLessThan(straightResult.evaluations);
    expect(store.runs.get(runId)).toMatchObject({ status: 'paused', ownerPid: null, finishedAt: null });

    expect(await runner.run(runId)).toBe('done');
    expect(seen.filter((e) => e.type === 'run' && e.runId === runId)).toEqual([
      { type: 'run', runId, status: 'running' },
      { type: 'run', runId, status: 'paused' },
      { type: 'run', runId, status: 'running', message: 'resumed from paused' },
      { type: 'run', runId, status: 'done' },
    ]);
    const resumed = store.runs.get(runId)!.result as SearchResult;
    // The second attempt ran only what the first had not finished, and the total is what an
    // uninterrupted search runs: nothing lost, nothing computed twice.
    expect(resumed.evaluations).toBe(straightResult.evaluations - kept);
    expect(store.results.countEvaluations(runId)).toBe(straightResult.evaluations);
    expect(resumed.front.map((f) => f.config)).toEqual(straightResult.front.map((f) => f.config));
    expect(resumed.chosen?.config).toEqual(straightResult.chosen?.config);
  });

  it('cancels a running search and can still resume it explicitly', async () => {
    const { store, events, runner } = setup();
    const runId = createSyntheticSearchRun(store, settings);
    stopDuringSensitivity(events, runner, runId, 'cancel');
    expect(await runner.run(runId)).toBe('cancelled');
    expect(store.runs.get(runId)!.finishedAt).not.toBeNull();
    expect(await runner.run(runId)).toBe('done');
  });

  it('refuses a run still owned by a live process and takes over one whose owner is gone', async () => {
    const { store, runner } = setup();
    const runId = createSyntheticSearchRun(store, settings);
    store.runs.claim(runId, process.ppid);
    await expect(runner.run(runId)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/still running in process/) });
    store.runs.claim(runId, 2 ** 22 + 12345); // above Linux's pid_max: certainly not a live process
    expect(await runner.run(runId)).toBe('done');
  });

  it('shows runs whose owner died as paused, and leaves runs of live processes alone', () => {
    const { store, runner } = setup();
    const dead = createSyntheticSearchRun(store, settings);
    const alive = createSyntheticSearchRun(store, settings);
    store.runs.claim(dead, 2 ** 22 + 12345);
    store.runs.claim(alive, process.ppid);
    expect(runner.recoverInterrupted()).toEqual([dead]);
    expect(store.runs.get(dead)).toMatchObject({ status: 'paused', ownerPid: null });
    expect(store.runs.get(alive)).toMatchObject({ status: 'running', ownerPid: process.ppid });
  });

  it('marks a run failed with its error when the job throws', async () => {
    const { store, runner } = setup();
    const runId = createSyntheticSearchRun(store, { ...settings, candidates: ['W8A8'] });
    store.db.prepare("UPDATE runs SET settings_json = json_set(settings_json, '$.groups', 0) WHERE id = ?").run(runId);
    await expect(runner.run(runId)).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    expect(store.runs.get(runId)).toMatchObject({ status: 'failed', error: { code: 'INVALID_CONFIG' } });
  });
});
