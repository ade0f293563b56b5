/**
 * Runs jobs (searches, measurements) against the history: claims the run, hands the executor what
 * earlier attempts finished, persists every finished evaluation or measurement as its own small
 * transaction, publishes progress, and records how the job ended. Pause and cancel both abort the
 * executor; the abort reason decides whether the run ends 'paused' (resumable) or 'cancelled'.
 *
 *   queued --start--> running --done--> done
 *                       |  \--error--> failed ----resume--+
 *                       |--pause--> paused ------resume---+--> running (skips finished work)
 *                       |--cancel--> cancelled --resume---+
 *                       '--crash (owner gone)------resume-+
 */
import { LOCAL_DEVICE_NAME, toErrorInfo, BitbenchError, type ProbeResult, type RunSummary } from '../api/index.js';
import type { HistoryStore, RunRecord } from '../store/index.js';
import type { EventHub } from './events.js';
import type { FinishedArtifact, FinishedEvaluation, FinishedMeasurement, JobContext, JobExecutor, JobOutcome, JobProgress } from './jobTypes.js';
import { isProcessAlive } from './processLiveness.js';

type StopReason = 'pause' | 'cancel';

/** The id progress events carry for a run's job. */
export function jobIdOf(runId: number): string {
  return `run-${runId}`;
}

export class JobRunner {
  private readonly active = new Map<number, AbortController>();

  constructor(
    private readonly store: HistoryStore,
    private readonly events: EventHub,
    private readonly executors: readonly JobExecutor[],
    private readonly pid: number = process.pid,
  ) {}

  /** Runs currently executing in this process. */
  get activeRuns(): number[] {
    return [...this.active.keys()];
  }

  /**
   * Runs (or resumes) a run to its end and returns its final status. Finished work of earlier
   * attempts is handed to the executor and never redone.
   */
  async run(runId: number): Promise<RunSummary['status']> {
    // Check and claim in one write transaction, so two processes resuming the same run at the
    // same moment cannot both win: the second waits for the lock, then sees a live owner.
    const { run, executor } = this.store.transaction(() => {
      const run = this.claimable(runId);
      const executor = this.executors.find((e) => e.accepts(run));
      if (!executor) {
        throw new BitbenchError('INVALID_CONFIG', `No job in this build of Bitbench can run run ${runId} (${run.kind}, ${run.method ?? 'no method'}).`, 'Update Bitbench to the version that started the run.');
      }
      this.store.runs.claim(runId, this.pid);
      return { run, executor };
    });
    const controller = new AbortController();
    this.active.set(runId, controller);
    const claimed = this.store.runs.get(runId)!;
    this.status(runId, 'running', run.status === 'queued' ? undefined : `resumed from ${run.status}`);
    try {
      const outcome = await executor.execute(this.contextFor(claimed, controller.signal));
      this.finishDone(runId, claimed, outcome);
      this.log(runId, 'info', `Run ${runId} finished.`);
      this.status(runId, 'done');
      return 'done';
    } catch (error) {
      const reason = controller.signal.aborted ? (controller.signal.reason as StopReason | undefined) : undefined;
      if (reason === 'pause' || reason === 'cancel') {
        const status = reason === 'pause' ? 'paused' : 'cancelled';
        this.store.runs.finish(runId, status);
        this.log(runId, 'info', `Run ${runId} ${status}; finished work is kept.`);
        this.status(runId, status);
        return status;
      }
      const info = toErrorInfo(error);
      this.store.runs.finish(runId, 'failed', { error: info });
      this.log(runId, 'error', `Run ${runId} failed: ${info.message}`);
      this.status(runId, 'failed', info.message);
      throw error;
    } finally {
      this.active.delete(runId);
    }
  }

  /**
   * Marks runs whose owning process is gone (it crashed or was killed) as paused, so the history
   * shows them as resumable instead of running forever. Returns their ids.
   */
  recoverInterrupted(): number[] {
    const interrupted = this.store.runs
      .running()
      .filter((r) => !this.active.has(r.id) && (r.ownerPid === null || (r.ownerPid !== this.pid && !isProcessAlive(r.ownerPid))))
      .map((r) => r.id);
    for (const id of interrupted) this.store.runs.finish(id, 'paused');
    return interrupted;
  }

  /** Asks a running job to stop and stay resumable. */
  pause(runId: number): boolean {
    return this.stop(runId, 'pause');
  }

  /** Asks a running job to stop for good (it can still be resumed explicitly). */
  cancel(runId: number): boolean {
    return this.stop(runId, 'cancel');
  }

  private stop(runId: number, reason: StopReason): boolean {
    const controller = this.active.get(runId);
    if (!controller) return false;
    controller.abort(reason);
    return true;
  }

  /** Checks that a run exists and may start now; a run still owned by a live process may not. */
  private claimable(runId: number): RunRecord {
    const run = this.store.runs.get(runId);
    if (!run) throw new BitbenchError('NOT_FOUND', `There is no run ${runId}.`, 'List the runs with `bitbench runs list`.');
    if (this.active.has(runId)) throw new BitbenchError('BAD_REQUEST', `Run ${runId} is already running here.`, 'Wait for it, or pause it first.');
    if (run.status === 'done') throw new BitbenchError('BAD_REQUEST', `Run ${runId} has already finished.`, 'Start a new run to repeat it.');
    if (run.status === 'running' && run.ownerPid !== null && run.ownerPid !== this.pid && isProcessAlive(run.ownerPid)) {
      throw new BitbenchError('BAD_REQUEST', `Run ${runId} is still running in process ${run.ownerPid}.`, 'Pause or cancel it there, or wait for it to finish.');
    }
    return run;
  }

  private contextFor(run: RunRecord, signal: AbortSignal): JobContext {
    const store = this.store;
    const evaluations = store.results.evaluationsForRun(run.id);
    const measurementKeys = new Set(store.results.measurementsForRun(run.id).map((m) => m.key));
    return {
      run,
      signal,
      finishedEvaluations: evaluations,
      finishedMeasurementKeys: measurementKeys,
      recordEvaluation: (evaluation: FinishedEvaluation) => {
        store.transaction(() => {
          const config = store.results.internConfiguration(run.modelId, evaluation.config);
          store.results.insertEvaluation({ runId: run.id, configurationId: config.id, key: evaluation.key, metrics: evaluation.metrics, record: evaluation.record });
        });
      },
      recordMeasurement: (measurement: FinishedMeasurement) => {
        store.transaction(() => {
          const deviceId = this.deviceId(measurement.deviceName);
          const configurationId = measurement.config === null ? null : store.results.internConfiguration(run.modelId, measurement.config).id;
          store.results.insertMeasurement({ runId: run.id, configurationId, deviceId, key: measurement.key, runtime: measurement.runtime, summary: measurement.summary, samples: measurement.samples, deviceState: measurement.deviceState });
        });
      },
      recordProbe: (deviceName: string, probe: ProbeResult) => {
        store.transaction(() => store.catalog.addProbe(this.deviceId(deviceName), probe));
      },
      recordArtifact: (artifact: FinishedArtifact) => {
        store.transaction(() => {
          const configurationId = artifact.config === null ? null : store.results.internConfiguration(run.modelId, artifact.config).id;
          store.outputs.upsertArtifact({ ...artifact, modelId: run.modelId, configurationId });
        });
      },
      progress: (progress: JobProgress) => this.progress(run.id, progress),
      log: (level, message) => this.log(run.id, level, message),
    };
  }

  /** The history's id of a device, recording it on first use (measurements may go to any lab device). */
  private deviceId(name: string): number {
    return this.store.catalog.deviceByName(name)?.id ?? this.store.catalog.upsertDevice({ name, kind: name === LOCAL_DEVICE_NAME ? 'local' : 'ssh' });
  }

  private progress(runId: number, progress: JobProgress): void {
    this.store.runs.saveProgress(runId, { phase: progress.phase, done: progress.done, total: progress.total });
    this.events.publish({
      type: 'progress',
      jobId: jobIdOf(runId),
      phase: progress.phase,
      ...(progress.step === undefined ? {} : { step: progress.step }),
      done: progress.done,
      total: progress.total,
      etaSeconds: progress.etaSeconds ?? null,
    });
  }

  private status(runId: number, status: RunSummary['status'], message?: string): void {
    this.events.publish({ type: 'run', runId, status, ...(message === undefined ? {} : { message }) });
  }

  private log(runId: number, level: 'info' | 'warn' | 'error', message: string): void {
    this.events.publish({ type: 'log', jobId: jobIdOf(runId), level, message, at: new Date().toISOString() });
  }

  /** Stores the outcome and marks the run done, all in one transaction. */
  private finishDone(runId: number, run: RunRecord, outcome: JobOutcome): void {
    this.store.transaction(() => {
      for (const c of outcome.costs ?? []) {
        const config = this.store.results.internConfiguration(run.modelId, c.config, c.label);
        this.store.results.annotateCosts(runId, config.id, c);
      }
      const chosen = outcome.chosen ? this.store.results.internConfiguration(run.modelId, outcome.chosen).id : undefined;
      this.store.runs.finish(runId, 'done', { result: outcome.result, chosenConfigurationId: chosen });
    });
  }
}
