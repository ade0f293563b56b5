/** Short forms of runs and devices for lists, and the app's own facts; used by the contract and the history. */
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

