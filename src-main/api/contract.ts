/**
 * The one API contract between the UI and the main side. Every method is declared once here with
 * runtime schemas for its input and output; Electron IPC, the web server and the CLI all dispatch
 * through this table, and every message from a renderer is validated against it before use.
 */
import { z } from 'zod';
import { AppInfo, DeviceSummary, RunSummary } from './summaries.js';
import { ModelInfo } from './quant.js';
import { DeviceRecord, MeasureResult, ProbeResult } from './device.js';
import { Comparison, RunDetail } from './history.js';
import { ReportModel } from './report.js';
import { DataDescription, ExportedReport, MeasurementEvent, PointEvent, PreprocessSpec, ReportRequest, RunStatusEvent, SearchRequest, StartedJob } from './studio.js';

export { AppInfo, DeviceSummary, RunSummary };

const Empty = z.object({}).strict();

/**
 * Method table: name -> input and output schema. Adding a method here is the only way to make it
 * callable from a renderer.
 */
export const apiMethods = {
  'app.info': { input: Empty, output: AppInfo },
  'runs.list': {
    input: z
      .object({
        limit: z.number().int().min(1).max(1000).optional(),
        /** Only runs of this model (file name or content hash). */
        model: z.string().min(1).max(500).optional(),
        /** Only runs on this device. */
        device: z.string().min(1).max(200).optional(),
      })
      .strict(),
    output: z.object({ runs: z.array(RunSummary) }),
  },
  'devices.list': { input: Empty, output: z.object({ devices: z.array(DeviceSummary) }) },
  'models.inspect': { input: z.object({ path: z.string().min(1) }).strict(), output: ModelInfo },
  'models.upload': {
    input: z.object({ fileName: z.string().min(1).max(255), base64: z.string().max(90_000_000) }).strict(),
    output: z.object({ path: z.string() }),
  },
  'data.describe': { input: z.object({ spec: z.string().min(1), preprocess: PreprocessSpec.optional() }).strict(), output: DataDescription },
  'demo.info': { input: Empty, output: z.object({ modelPath: z.string(), data: z.string(), calib: z.string(), preprocess: PreprocessSpec, provenance: z.string() }) },
  'demo.start': { input: Empty, output: StartedJob },
  'search.start': { input: SearchRequest, output: StartedJob },
  'runs.get': { input: z.object({ id: z.number().int() }).strict(), output: RunDetail },
  'runs.report': { input: z.object({ id: z.number().int() }).strict(), output: ReportModel.nullable() },
  'runs.compare': {
    input: z
      .object({
        targets: z.array(z.object({ runId: z.number().int(), configurationId: z.number().int().optional() }).strict()).min(1).max(20),
        /** Device whose latency measurements to show; default: the first run's device. */
        device: z.string().min(1).max(200).optional(),
      })
      .strict(),
    output: Comparison,
  },
  'jobs.cancel': { input: z.object({ runId: z.number().int() }).strict(), output: z.object({ ok: z.boolean() }) },
  'jobs.pause': { input: z.object({ runId: z.number().int() }).strict(), output: z.object({ ok: z.boolean() }) },
  'jobs.resume': { input: z.object({ runId: z.number().int() }).strict(), output: StartedJob },
  'reports.export': { input: ReportRequest, output: ExportedReport },
  'devices.add': {
    input: z
      .object({
        name: z.string().min(1).max(80).regex(/^[\w.@ -]+$/, 'letters, digits, spaces and . _ - @ only'),
        host: z.string().min(1).max(255),
        port: z.number().int().min(1).max(65535).optional(),
        user: z.string().max(64).optional(),
        keyFile: z.string().max(4096).optional(),
        /** Kept in memory (or the OS keychain in the desktop app), never written in plain text. */
        password: z.string().max(1024).optional(),
        trustFingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]+$/).optional(),
      })
      .strict(),
    output: z.discriminatedUnion('status', [
      z.object({ status: z.literal('added'), device: DeviceRecord, fingerprint: z.string() }),
      z.object({ status: z.literal('needs-trust'), fingerprint: z.string(), keyType: z.string(), message: z.string() }),
    ]),
  },
  'devices.probe': { input: z.object({ name: z.string().min(1) }).strict(), output: ProbeResult },
  'devices.measure': {
    input: z.object({ name: z.string().min(1), modelPath: z.string().min(1), runs: z.number().int().min(3).max(10_000).optional(), warmup: z.number().int().min(0).max(1000).optional() }).strict(),
    output: MeasureResult,
  },
  'devices.remove': { input: z.object({ name: z.string().min(1) }).strict(), output: z.object({ ok: z.boolean() }) },
} as const;

export type ApiMethodName = keyof typeof apiMethods;
export type ApiInput<M extends ApiMethodName> = z.input<(typeof apiMethods)[M]['input']>;
export type ApiOutput<M extends ApiMethodName> = z.output<(typeof apiMethods)[M]['output']>;

/** Progress of any long job (search, measurement), pushed to every connected UI. */
export const ProgressEvent = z.object({
  type: z.literal('progress'),
  jobId: z.string(),
  phase: z.string(),
  step: z.string().optional(),
  done: z.number(),
  total: z.number(),
  etaSeconds: z.number().nullable(),
  message: z.string().optional(),
});
export type ProgressEvent = z.infer<typeof ProgressEvent>;

/** A line for the run log. */
export const LogEvent = z.object({
  type: z.literal('log'),
  jobId: z.string().nullable(),
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
  at: z.string(),
});
export type LogEvent = z.infer<typeof LogEvent>;

export const ApiEvent = z.discriminatedUnion('type', [ProgressEvent, LogEvent, PointEvent, MeasurementEvent, RunStatusEvent]);
export type ApiEvent = z.infer<typeof ApiEvent>;

/** Server-side implementation of the contract: one async function per method. */
export type ApiHandlers = {
  [M in ApiMethodName]: (input: z.output<(typeof apiMethods)[M]['input']>) => Promise<ApiOutput<M>>;
};

/** Client-side view of the contract, identical for both transports. */
export interface ApiClient {
  call<M extends ApiMethodName>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>>;
  /** Subscribes to pushed events; returns the function that unsubscribes. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
}

export function isApiMethodName(name: unknown): name is ApiMethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(apiMethods, name);
}
