/**
 * What a job is to the runner: an executor (one per kind of work) that gets a context with the
 * run's settings, a cancellation signal, the work finished by earlier attempts, and callbacks that
 * persist each finished evaluation or measurement the moment it completes.
 */
import type { EvaluationMetrics, MeasurementSummary, ProbeResult, QuantConfig, StoredEvaluation } from '../api/index.js';
import type { RunRecord } from '../store/index.js';

/** One finished evaluation, as an executor reports it. */
export interface FinishedEvaluation {
  /** Identity inside the run; the same key is never stored twice. */
  key: string;
  config: QuantConfig;
  metrics: EvaluationMetrics;
  /** The engine's record, handed back verbatim on resume. */
  record: unknown;
}

/** One finished latency measurement, as an executor reports it. */
export interface FinishedMeasurement {
  key: string;
  config: QuantConfig | null;
  deviceName: string;
  runtime: string;
  summary: MeasurementSummary;
  samples: ArrayLike<number>;
  deviceState?: unknown;
}

/** An exported deployable model, kept by content hash. */
export interface FinishedArtifact {
  sha256: string;
  kind: string;
  path: string;
  sizeBytes: number;
  config: QuantConfig | null;
  runtime?: string | null;
  flags?: unknown;
}

export interface JobProgress {
  phase: string;
  step?: string;
  done: number;
  total: number;
  etaSeconds?: number | null;
}

export interface JobContext {
  readonly run: RunRecord;
  readonly signal: AbortSignal;
  /** Evaluations stored by earlier attempts of this run (empty on a first start). */
  readonly finishedEvaluations: readonly StoredEvaluation[];
  /** Keys of measurements stored by earlier attempts. */
  readonly finishedMeasurementKeys: ReadonlySet<string>;
  /** Persists one evaluation now, in its own transaction. */
  recordEvaluation(evaluation: FinishedEvaluation): void;
  /** Persists one measurement now, in its own transaction. */
  recordMeasurement(measurement: FinishedMeasurement): void;
  /** Keeps a probe snapshot (ProbeResult) of a device the job used. */
  recordProbe(deviceName: string, probe: ProbeResult): void;
  /** Records an exported model by content hash. */
  recordArtifact(artifact: FinishedArtifact): void;
  progress(progress: JobProgress): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

/** What a finished job leaves on its run. */
export interface JobOutcome {
  /** The plain result (a SearchResult, a benchmark table) kept as JSON on the run. */
  result?: unknown;
  /** The configuration the job picked, if it picks one. */
  chosen?: QuantConfig | null;
  /** Cost figures of configurations, added to their evaluations (searches price configurations separately). */
  costs?: Array<{ config: QuantConfig; label?: string; cost?: number | null; bops?: number | null; sizeBytes?: number | null }>;
}

/** Runs one kind of job. Executors must stop soon after `signal` fires (throwing is fine). */
export interface JobExecutor {
  /** True when this executor runs `run` (by kind and settings). */
  accepts(run: RunRecord): boolean;
  execute(context: JobContext): Promise<JobOutcome>;
}
