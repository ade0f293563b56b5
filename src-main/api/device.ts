/**
 * Plain data about devices shared by the device lab, the store, reports and the UI: a device record
 * (no secrets, ever), what a probe found, what a device can run and why, the device state around a
 * measurement, a measurement summary and the per-layer latency table the search's cost model reads.
 */
import { z } from 'zod';

/** The name of the always-present local device. */
export const LOCAL_DEVICE_NAME = 'this computer';

/** How an SSH device authenticates. Passwords live only in a SecretStore, never in the record. */
export const SshAuth = z.enum(['agent', 'key', 'password', 'keyboard-interactive']);
export type SshAuth = z.infer<typeof SshAuth>;

/** A device as it is stored: connection facts only; secrets are looked up by name at connect time. */
export const DeviceRecord = z.object({
  name: z.string().min(1).max(200),
  kind: z.enum(['local', 'ssh']),
  /** Host name, address or ~/.ssh/config alias (ssh only). */
  host: z.string().optional(),
  port: z.number().int().min(1).max(65535).optional(),
  user: z.string().optional(),
  auth: z.array(SshAuth).optional(),
  /** Path of a private key file on this computer (its passphrase, if any, is a secret). */
  keyFile: z.string().optional(),
  /** Remote folder for Bitbench's cache and runs; relative paths are under the remote home. */
  workDir: z.string().optional(),
  createdAt: z.string(),
});
export type DeviceRecord = z.infer<typeof DeviceRecord>;

/** A precision a runtime on the device can or cannot execute, and why. */
export const PrecisionSupport = z.object({
  runtime: z.enum(['onnxruntime-node', 'onnxruntime-python', 'tensorrt']),
  precision: z.enum(['FP32', 'FP16', 'INT8']),
  /** The runtime accepts and executes it at all. */
  runnable: z.boolean(),
  /** It runs on hardware paths that make it faster than the next wider format. */
  fast: z.boolean(),
  why: z.string(),
});
export type PrecisionSupport = z.infer<typeof PrecisionSupport>;

export const RuntimeInfo = z.object({
  name: z.enum(['onnxruntime-node', 'onnxruntime-python', 'tensorrt', 'node', 'python3']),
  version: z.string().nullable(),
  path: z.string().nullable(),
});
export type RuntimeInfo = z.infer<typeof RuntimeInfo>;

export const ThermalZone = z.object({ name: z.string(), celsius: z.number() });
export type ThermalZone = z.infer<typeof ThermalZone>;

/** What a probe found on a device, derived from its own text outputs by pure parsers. */
export const ProbeResult = z.object({
  probedAt: z.string(),
  os: z.string(),
  kernel: z.string(),
  arch: z.string(),
  hostname: z.string(),
  cpu: z.object({ model: z.string(), cores: z.number().int(), flags: z.array(z.string()) }),
  memoryMiB: z.number(),
  /** Jetson board facts, or null on anything else. */
  jetson: z
    .object({
      model: z.string(),
      l4t: z.string().nullable(),
      gpuArch: z.string(),
      computeCapability: z.string(),
      powerMode: z.string().nullable(),
    })
    .nullable(),
  /** Board model from the device tree (Raspberry Pi, Jetson ...), when there is one. */
  boardModel: z.string().nullable(),
  gpu: z.string().nullable(),
  thermal: z.array(ThermalZone),
  runtimes: z.array(RuntimeInfo),
  precisions: z.array(PrecisionSupport),
});
export type ProbeResult = z.infer<typeof ProbeResult>;

/** Device state read right before and right after a measurement. */
export const DeviceState = z.object({
  at: z.string(),
  /** Current CPU clocks in MHz, one per core that reports one. */
  cpuMHz: z.array(z.number()),
  gpuMHz: z.number().nullable(),
  thermal: z.array(ThermalZone),
  load1: z.number().nullable(),
  powerMode: z.string().nullable(),
});
export type DeviceState = z.infer<typeof DeviceState>;

export const DeviceLatencyStats = z.object({
  min: z.number(),
  median: z.number(),
  mean: z.number(),
  p90: z.number(),
  p99: z.number(),
  max: z.number(),
  std: z.number(),
});
export type DeviceLatencyStats = z.infer<typeof DeviceLatencyStats>;

/** The result of one measurement of one model on one device. */
export const MeasureResult = z.object({
  device: z.string(),
  model: z.string(),
  modelSha256: z.string(),
  runtime: z.string(),
  precisions: z.array(z.string()),
  latencyMs: DeviceLatencyStats,
  /** Coefficient of variation of the timed runs (std / mean). */
  cv: z.number(),
  runs: z.number().int(),
  warmup: z.number().int(),
  unstable: z.boolean(),
  unstableReasons: z.array(z.string()),
  state: z.object({ before: DeviceState, after: DeviceState }),
  samplesMs: z.array(z.number()),
  /** Mean time per node (operator) from the runtime's profiler, when asked for. */
  nodeMs: z.record(z.string(), z.number()).optional(),
  uploadedBytes: z.number().int(),
  /** Wall time of the whole measure call, and the runner's own timed section. */
  wallMs: z.number(),
  runnerMs: z.number(),
  /** Times the run was restarted after a lost connection (partial samples are discarded). */
  retries: z.number().int(),
});
export type MeasureResult = z.infer<typeof MeasureResult>;

/**
 * Per-layer latency per precision: what `--cost latency --device NAME` reads. `base` is the time of
 * everything that is not a quantizable layer.
 */
export const LatencyTable = z.object({
  base: z.number().optional(),
  layers: z.record(z.string(), z.record(z.string(), z.number())),
});
export type LatencyTable = z.infer<typeof LatencyTable>;
