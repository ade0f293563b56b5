/**
 * Plain data of the history (issue 6): a run in full, its stored evaluations and measurements, a
 * side-by-side comparison, and the portable export of a run. The store produces these objects, the
 * API carries them, the UI and reports render them; nothing translates them on the way.
 */
import { z } from 'zod';
import { RunSummary } from './summaries.js';
import { QuantConfig } from './quant.js';

/** The metrics of one evaluation of a configuration; null where the evaluation did not compute one. */
export const EvaluationMetrics = z.object({
  accuracy: z.number().nullable(),
  sqnrDb: z.number().nullable(),
  cost: z.number().nullable(),
  bops: z.number().nullable(),
  sizeBytes: z.number().nullable(),
  split: z.string().nullable(),
  samples: z.number().int().nullable(),
});
export type EvaluationMetrics = z.infer<typeof EvaluationMetrics>;

/** A configuration as stored: bit-widths per group, identified by a stable hash of its content. */
export const StoredConfiguration = z.object({
  id: z.number().int(),
  hash: z.string(),
  label: z.string().nullable(),
  config: QuantConfig,
});
export type StoredConfiguration = z.infer<typeof StoredConfiguration>;

export const StoredEvaluation = EvaluationMetrics.extend({
  id: z.number().int(),
  runId: z.number().int(),
  configurationId: z.number().int(),
  configHash: z.string(),
  /** Identity of the evaluation inside its run; a resumed run skips keys it already has. */
  key: z.string(),
  /** The record exactly as the engine reported it. */
  record: z.unknown(),
  createdAt: z.string(),
});
export type StoredEvaluation = z.infer<typeof StoredEvaluation>;

/** Latency statistics of one measurement (milliseconds), as the measurement protocol defines them. */
export const MeasurementSummary = z.object({
  warmup: z.number().int(),
  iterations: z.number().int(),
  minMs: z.number(),
  medianMs: z.number(),
  meanMs: z.number(),
  p90Ms: z.number(),
  p99Ms: z.number(),
  /** Coefficient of variation of the timed runs. */
  cv: z.number(),
  unstable: z.boolean(),
});
export type MeasurementSummary = z.infer<typeof MeasurementSummary>;

export const StoredMeasurement = MeasurementSummary.extend({
  id: z.number().int(),
  runId: z.number().int(),
  configurationId: z.number().int().nullable(),
  configHash: z.string().nullable(),
  deviceName: z.string(),
  runtime: z.string(),
  key: z.string(),
  sampleCount: z.number().int(),
  deviceState: z.unknown().nullable(),
  createdAt: z.string(),
});
export type StoredMeasurement = z.infer<typeof StoredMeasurement>;

/** Everything about one run, for `runs show` and the run screen. */
export const RunDetail = RunSummary.extend({
  model: z.object({ name: z.string(), sha256: z.string() }),
  dataset: z.object({ name: z.string(), sha256: z.string() }).nullable(),
  device: z.object({ name: z.string(), kind: z.string(), host: z.string().nullable() }).nullable(),
  settings: z.record(z.string(), z.unknown()),
  versions: z.record(z.string(), z.string()),
  deviceState: z.unknown().nullable(),
  result: z.unknown().nullable(),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).nullable(),
  progress: z.object({ done: z.number(), total: z.number(), phase: z.string() }).nullable(),
  chosenConfigurationId: z.number().int().nullable(),
  startedAt: z.string().nullable(),
  configurations: z.array(StoredConfiguration),
  evaluations: z.array(StoredEvaluation),
  measurements: z.array(StoredMeasurement),
});
export type RunDetail = z.infer<typeof RunDetail>;

/** What to put side by side: a configuration as evaluated in a run (all of a run's picks if omitted). */
export const CompareTarget = z.object({ runId: z.number().int(), configurationId: z.number().int().optional() });
export type CompareTarget = z.infer<typeof CompareTarget>;

/** Latency of a configuration on the comparison's device, with its spread over measurements. */
export const ComparedLatency = z.object({
  medianMs: z.number(),
  minMs: z.number(),
  p90Ms: z.number(),
  cv: z.number(),
  unstable: z.boolean(),
  measurements: z.number().int(),
  runtime: z.string(),
});
export type ComparedLatency = z.infer<typeof ComparedLatency>;

export const ComparisonRow = z.object({
  runId: z.number().int(),
  runTitle: z.string(),
  method: z.string().nullable(),
  configurationId: z.number().int(),
  configHash: z.string(),
  label: z.string(),
  /** True when every group has the same bit pair (a fixed-precision baseline). */
  fixed: z.boolean(),
  metrics: EvaluationMetrics.nullable(),
  latency: ComparedLatency.nullable(),
  /** Differences to the first row (the reference); null for the reference itself. */
  delta: z
    .object({ accuracy: z.number().nullable(), sqnrDb: z.number().nullable(), sizeBytes: z.number().nullable(), bops: z.number().nullable(), medianMs: z.number().nullable() })
    .nullable(),
});
export type ComparisonRow = z.infer<typeof ComparisonRow>;

/** Per quantizer group: the bit pair of every row (same order as rows), "W8A8" etc. */
export const GroupBitsRow = z.object({ group: z.string(), bits: z.array(z.string()), differs: z.boolean() });
export type GroupBitsRow = z.infer<typeof GroupBitsRow>;

export const Comparison = z.object({
  model: z.object({ name: z.string(), sha256: z.string() }),
  dataset: z.object({ name: z.string(), sha256: z.string() }).nullable(),
  device: z.object({ name: z.string() }).nullable(),
  rows: z.array(ComparisonRow),
  groups: z.array(GroupBitsRow),
  /** Why the rows may not be comparable (different models, data or devices), in plain words. */
  warnings: z.array(z.string()),
});
export type Comparison = z.infer<typeof Comparison>;
