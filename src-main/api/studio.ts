/**
 * Requests and events of the studio's main loop: open a model and data, start a search (or the
 * demo), watch it, control it, export its report. Shared by the UI, web mode, the app and the CLI.
 */
import { z } from 'zod';
import { ReportFormat } from './report.js';

/** Declared preprocessing of image-like data (see engine/data/preprocess.ts for the meaning). */
export const PreprocessSpec = z
  .object({
    scale: z.number().positive().optional(),
    mean: z.array(z.number()).min(1).max(4).optional(),
    std: z.array(z.number().positive()).min(1).max(4).optional(),
    layout: z.enum(['nchw', 'nhwc']).optional(),
    channels: z.enum(['gray', 'rgb', 'bgr']).optional(),
    resize: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
  })
  .strict();
export type PreprocessSpec = z.infer<typeof PreprocessSpec>;

export const DataDescription = z.object({
  spec: z.string(),
  name: z.string(),
  size: z.number().int(),
  sampleDims: z.array(z.number()),
  hasLabels: z.boolean(),
  numClasses: z.number().nullable(),
  sha256: z.string(),
});
export type DataDescription = z.infer<typeof DataDescription>;

export const SearchMethodName = z.enum(['pareto', 'msq', 'genetic', 'fixed']);
export type SearchMethodName = z.infer<typeof SearchMethodName>;

/** Everything a search needs; the same fields as `bitbench search`. */
export const SearchRequest = z
  .object({
    modelPath: z.string().min(1),
    data: z.string().min(1),
    calib: z.string().min(1).optional(),
    preprocess: PreprocessSpec.optional(),
    method: SearchMethodName.default('pareto'),
    candidates: z.array(z.string().regex(/^W(\d+|F)(A(\d+|F))?$/i)).min(1).max(12).default(['W4A8', 'W8A8', 'W8A16']),
    cost: z.enum(['bops', 'size', 'latency']).default('bops'),
    device: z.string().optional(),
    maxDrop: z.number().min(0).max(100).default(1),
    rounding: z.enum(['nearest', 'adaround', 'gptq']).default('nearest'),
    calibration: z.enum(['minmax', 'percentile', 'mse', 'cosine']).default('percentile'),
    seed: z.number().int().min(0).default(1),
    /** Validation samples (null: all), calibration samples. */
    limit: z.number().int().positive().nullable().default(2000),
    calibLimit: z.number().int().positive().default(256),
    baselines: z.array(z.string()).default(['W8A8', 'W4A8', 'W4A4']),
    /**
     * Storage format the search simulates (and exports to devices): opset upgrade (21 enables INT4
     * MatMul/Gemm weights), storage of weights of <= 4 bits, float layers in fp32 or fp16.
     */
    format: z
      .object({
        opset: z.number().int().min(1).max(30).optional(),
        lowBitWeights: z.enum(['int4', 'int8']).optional(),
        float: z.enum(['fp32', 'fp16']).optional(),
      })
      .strict()
      .optional(),
    /** Measure the front and the baselines on the device after the search. */
    measure: z.boolean().default(true),
    title: z.string().max(200).optional(),
  })
  .strict();
export type SearchRequest = z.input<typeof SearchRequest>;
export type ResolvedSearchRequest = z.output<typeof SearchRequest>;

export const StartedJob = z.object({ runId: z.number().int(), jobId: z.string() });
export type StartedJob = z.infer<typeof StartedJob>;

export const ExportedReport = z.object({ fileName: z.string(), path: z.string(), bytes: z.number().int(), downloadUrl: z.string().nullable() });
export type ExportedReport = z.infer<typeof ExportedReport>;

export const ReportRequest = z.object({ runId: z.number().int(), format: ReportFormat }).strict();

/** A point evaluated during a run, pushed as it arrives so the live plot grows. */
export const PointEvent = z.object({
  type: z.literal('point'),
  runId: z.number().int(),
  label: z.string(),
  kind: z.enum(['front', 'baseline', 'fp32', 'chosen', 'phase1']),
  cost: z.number(),
  accuracy: z.number().nullable(),
  sqnrDb: z.number().nullable(),
});
export type PointEvent = z.infer<typeof PointEvent>;

/** A latency measurement that finished during a run. */
export const MeasurementEvent = z.object({
  type: z.literal('measurement'),
  runId: z.number().int(),
  label: z.string(),
  device: z.string(),
  medianMs: z.number(),
  p90Ms: z.number(),
  cv: z.number(),
  unstable: z.boolean(),
});
export type MeasurementEvent = z.infer<typeof MeasurementEvent>;

/** A run changed status (started, paused, finished, failed, cancelled). */
export const RunStatusEvent = z.object({
  type: z.literal('run'),
  runId: z.number().int(),
  status: z.enum(['queued', 'running', 'paused', 'done', 'failed', 'cancelled']),
  message: z.string().optional(),
});
export type RunStatusEvent = z.infer<typeof RunStatusEvent>;
