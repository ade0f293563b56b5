/**
 * Messages between a job running in a worker thread and the main thread that owns the database,
 * the event hub and the device secrets. Everything is plain, structured-clonable data.
 */
import type { ApiEvent, ErrorInfo, ProbeResult, StoredEvaluation } from '../../api/index.js';
import type { SecretKind } from '../../device/secrets.js';
import type { RunRecord } from '../../store/index.js';
import type { FinishedArtifact, FinishedEvaluation, FinishedMeasurement, JobOutcome, JobProgress } from '../jobTypes.js';

/** What the worker starts from. */
export interface JobWorkerData {
  /** Module URL of the TypeScript entry when running from source (the bootstrap imports it). */
  entry?: string;
  home: string;
  artifactsDir: string;
  run: RunRecord;
  finishedEvaluations: StoredEvaluation[];
  finishedMeasurementKeys: string[];
}

/** Worker -> main. */
export type WorkerMessage =
  | { type: 'evaluation'; evaluation: FinishedEvaluation }
  | { type: 'measurement'; measurement: FinishedMeasurement }
  | { type: 'probe'; deviceName: string; probe: ProbeResult }
  | { type: 'artifact'; artifact: FinishedArtifact }
  | { type: 'progress'; progress: JobProgress }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'event'; event: ApiEvent }
  | { type: 'secret-get'; id: number; device: string; kind: SecretKind }
  | { type: 'done'; outcome: JobOutcome }
  | { type: 'failed'; error: ErrorInfo };

/** Main -> worker. */
export type MainMessage = { type: 'abort'; reason: string } | { type: 'secret'; id: number; value: string | undefined };
