/**
 * The one API contract between the UI and the main side. Every method is declared once here with
 * runtime schemas for its input and output; Electron IPC, the web server and the CLI all dispatch
 * through this table, and every message from a renderer is validated against it before use.
 */
import { z } from 'zod';

export const RunSummary = z.object({
  id: z.number().int(),
  kind: z.enum(['search', 'benchmark', 'evaluate']),
  status: z.enum(['queued', 'running', 'paused', 'done', 'failed', 'cancelled']),
  title: z.string(),
  modelName: z.string(),
  deviceName: z.string(),
  method: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const DeviceSummary = z.object({
  name: z.string(),
  kind: z.enum(['local', 'ssh']),
  host: z.string().nullable(),
  status: z.enum(['ready', 'unknown', 'unreachable', 'error']),
  description: z.string(),
});
export type DeviceSummary = z.infer<typeof DeviceSummary>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  mode: z.enum(['desktop', 'web', 'cli']),
  home: z.string(),
  node: z.string(),
  onnxruntime: z.string(),
  platform: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

const Empty = z.object({}).strict();

/**
 * Method table: name -> input and output schema. Adding a method here is the only way to make it
 * callable from a renderer.
 */
export const apiMethods = {
  'app.info': { input: Empty, output: AppInfo },
  'runs.list': {
    input: z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict(),
    output: z.object({ runs: z.array(RunSummary) }),
  },
  'devices.list': { input: Empty, output: z.object({ devices: z.array(DeviceSummary) }) },
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

export const ApiEvent = z.discriminatedUnion('type', [ProgressEvent, LogEvent]);
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
