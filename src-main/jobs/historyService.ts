/**
 * The history as the backend serves it: opens the database on first use (so `bitbench info` works
 * even beside a damaged database), answers the runs queries, and runs, pauses, cancels and resumes
 * jobs. API handlers and CLI commands call this and nothing below it.
 */
import { BitbenchError, type Comparison, type CompareTarget, type RunDetail, type RunSummary } from '../api/index.js';
import { compareConfigurations, openHistoryStore, type HistoryStore, type RunListFilter } from '../store/index.js';
import type { EventHub } from './events.js';
import { builtInExecutors } from './executors/index.js';
import { jobIdOf, JobRunner } from './jobRunner.js';
import type { JobExecutor } from './jobTypes.js';

export class HistoryService {
  private opened: HistoryStore | undefined;
  private runner: JobRunner | undefined;
  /** Jobs started in the background (web and desktop), awaited on close. */
  private readonly background = new Map<number, Promise<unknown>>();

  constructor(
    private readonly databasePath: string,
    private readonly events: EventHub,
    private readonly executors: readonly JobExecutor[] = builtInExecutors,
  ) {}

  /** The open store (opened, created or migrated on first use). */
  get store(): HistoryStore {
    if (!this.opened) {
      this.opened = openHistoryStore(this.databasePath);
      // Runs left 'running' by a process that died show as paused (resumable) from now on.
      this.jobs.recoverInterrupted();
    }
    return this.opened;
  }

  get jobs(): JobRunner {
    this.runner ??= new JobRunner(this.store, this.events, this.executors);
    return this.runner;
  }

  listRuns(filter: RunListFilter = {}): RunSummary[] {
    return this.store.runs.list(filter);
  }

  getRun(id: number): RunDetail {
    const detail = this.store.runDetail(id);
    if (!detail) throw new BitbenchError('NOT_FOUND', `There is no run ${id}.`, 'List the runs with `bitbench runs list`.');
    return detail;
  }

  compare(targets: CompareTarget[], device?: string): Comparison {
    return compareConfigurations(this.store, targets, device === undefined ? {} : { device });
  }

  /** Runs a run to its end in this process (the CLI waits for it); returns the final status. */
  runToEnd(runId: number): Promise<RunSummary['status']> {
    return this.jobs.run(runId);
  }

  /** Starts (or resumes) a run in the background and returns at once. */
  startInBackground(runId: number): { runId: number; jobId: string } {
    if (this.background.has(runId)) throw new BitbenchError('BAD_REQUEST', `Run ${runId} is already running here.`, 'Wait for it, or pause it first.');
    const job = this.jobs.run(runId).catch(() => {
      // The runner stored the failure on the run and published it; nothing else to do here.
    });
    this.background.set(runId, job);
    void job.finally(() => this.background.delete(runId));
    return { runId, jobId: jobIdOf(runId) };
  }

  /** Resolves when a run started here in the background has stopped (at once if it is not running here). */
  async waitFor(runId: number): Promise<void> {
    await this.background.get(runId);
  }

  pause(runId: number): boolean {
    return this.runner?.pause(runId) ?? false;
  }

  cancel(runId: number): boolean {
    return this.runner?.cancel(runId) ?? false;
  }

  /** Pauses running jobs (they stay resumable), waits for them, and closes the database. */
  async close(): Promise<void> {
    for (const runId of this.runner?.activeRuns ?? []) this.runner!.pause(runId);
    await Promise.all(this.background.values());
    this.opened?.close();
    this.opened = undefined;
    this.runner = undefined;
  }
}
