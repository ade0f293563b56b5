/**
 * The report model: everything a report shows, as plain data. Built once from a run (or a
 * comparison) and rendered by every format (HTML, PDF, CSV, JSON) and by the UI, so they agree.
 */
import { z } from 'zod';
import { BitPair } from './quant.js';

export const LatencyStats = z.object({
  unit: z.literal('ms'),
  runs: z.number(),
  min: z.number(),
  median: z.number(),
  mean: z.number(),
  p90: z.number(),
  p99: z.number(),
  cv: z.number(),
  unstable: z.boolean(),
});
export type LatencyStats = z.infer<typeof LatencyStats>;

/** One configuration as a report row: the chosen mixed one, a fixed baseline, FP32, or a front point. */
export const ReportConfigRow = z.object({
  label: z.string(),
  kind: z.enum(['mixed', 'fixed', 'fp32', 'front']),
  accuracy: z.number().nullable(),
  sqnrDb: z.number().nullable(),
  cost: z.number(),
  bops: z.number(),
  sizeBytes: z.number(),
  latency: LatencyStats.nullable(),
  predictedLatencyMs: z.number().nullable(),
  /** Bit-widths per layer name. */
  layerBits: z.record(z.string(), BitPair),
});
export type ReportConfigRow = z.infer<typeof ReportConfigRow>;

export const ReportModel = z.object({
  title: z.string(),
  createdAt: z.string(),
  versions: z.record(z.string(), z.string()),
  summary: z.array(z.string()),
  setup: z.array(z.object({ label: z.string(), value: z.string() })),
  costAxis: z.object({ name: z.string(), unit: z.string() }),
  /** The whole Pareto curve, in cost order. */
  front: z.array(ReportConfigRow),
  /** Chosen mixed, fixed baselines and FP32, side by side. */
  compared: z.array(ReportConfigRow),
  layers: z.array(z.object({ name: z.string(), op: z.string(), macs: z.number(), params: z.number() })),
  measurementNotes: z.array(z.string()),
  deviceState: z.array(z.object({ label: z.string(), value: z.string() })),
});
export type ReportModel = z.infer<typeof ReportModel>;

export const ReportFormat = z.enum(['html', 'pdf', 'csv', 'json']);
export type ReportFormat = z.infer<typeof ReportFormat>;
