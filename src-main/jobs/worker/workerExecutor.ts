/**
 * Runs a job in a worker thread. The main thread keeps the database, the event hub and the
 * secrets; the worker computes and posts each finished evaluation, measurement, probe, artifact,
 * progress step, log line and UI event, which are applied here as they arrive (so a crash still
 * loses nothing finished). Pause and cancel abort the worker's signal; a worker that does not stop
 * within a few seconds is terminated.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { BitbenchError } from '../../api/index.js';
import type { SecretStore } from '../../device/secrets.js';
import type { EventHub } from '../events.js';
import type { JobContext, JobExecutor, JobOutcome } from '../jobTypes.js';
import type { JobWorkerData, MainMessage, WorkerMessage } from './protocol.js';

export interface WorkerExecutorDeps {
  home: string;
  artifactsDir: string;
  events: EventHub;
  secrets: SecretStore;
}

const STOP_GRACE_MS = 10_000;

/** Where the worker code is: the compiled bundle's jobWorker.js, or the TypeScript source via the bootstrap. */
function workerEntry(): { file: URL; entry?: string } {
  const compiled = new URL('./jobWorker.js', import.meta.url);
  if (!import.meta.url.endsWith('.ts') && existsSync(compiled)) return { file: compiled };
  return { file: new URL('./bootstrap.mjs', import.meta.url), entry: new URL('./jobWorker.ts', import.meta.url).href };
}

/** Wraps the "accepts" of an in-process executor, running its work in a worker thread instead. */
export function createWorkerExecutor(accepts: JobExecutor['accepts'], deps: WorkerExecutorDeps): JobExecutor {
  return { accepts, execute: (context) => runInWorker(context, deps) };
}

function runInWorker(context: JobContext, deps: WorkerExecutorDeps): Promise<JobOutcome> {
  const { file, entry } = workerEntry();
  const data: JobWorkerData = {
    entry,
    home: deps.home,
    artifactsDir: deps.artifactsDir,
    run: context.run,
    finishedEvaluations: [...context.finishedEvaluations],
    finishedMeasurementKeys: [...context.finishedMeasurementKeys],
  };
  const worker = new Worker(file, { workerData: data });
  const send = (message: MainMessage) => worker.postMessage(message);
  return new Promise<JobOutcome>((resolve, reject) => {
    let settled = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      // The worker only tidies up after its answer; it must never keep the process alive.
      worker.unref();
      clearTimeout(killTimer);
      context.signal.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      send({ type: 'abort', reason: String(context.signal.reason ?? 'cancel') });
      killTimer = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
    };
    context.signal.addEventListener('abort', onAbort);
    if (context.signal.aborted) onAbort();

    worker.on('message', (message: WorkerMessage) => {
      try {
        switch (message.type) {
          case 'evaluation':
            return context.recordEvaluation(message.evaluation);
          case 'measurement':
            return context.recordMeasurement(message.measurement);
          case 'probe':
            return context.recordProbe(message.deviceName, message.probe);
          case 'artifact':
            return context.recordArtifact(message.artifact);
          case 'progress':
            return context.progress(message.progress);
          case 'log':
            return context.log(message.level, message.message);
          case 'event':
            return deps.events.publish(message.event);
          case 'secret-get':
            void deps.secrets.get(message.device, message.kind).then((value) => send({ type: 'secret', id: message.id, value }));
            return;
          case 'done':
            return settle(() => resolve(message.outcome));
          case 'failed':
            return settle(() => reject(BitbenchError.fromInfo(message.error)));
        }
      } catch (error) {
        // A write that fails here (disk full, a locked database) stops the job with that error.
        send({ type: 'abort', reason: 'error' });
        settle(() => reject(error));
      }
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) => {
      settle(() => reject(context.signal.aborted ? new BitbenchError('CANCELLED', 'The run was stopped.') : new BitbenchError('INTERNAL', `The job's worker stopped unexpectedly (exit code ${code}).`, 'Resume the run; finished work is kept.')));
    });
  });
}
