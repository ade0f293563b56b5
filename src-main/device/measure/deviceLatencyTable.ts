/**
 * Measures a model's per-layer latency table on a device: the FP32 model and each quantized variant
 * (QDQ models exported per precision, e.g. W8A8) are timed end to end and profiled per node; the
 * table is anchored on the FP32 model's measured median (see latencyTable.ts) and written in the
 * format `bitbench search --cost latency --latency-table FILE` reads.
 */
import type { LatencyTable, MeasureResult, ProbeResult } from '../../api/index.js';
import type { MeasurableDevice } from '../measurableDevice.js';
import { buildLatencyTable } from './latencyTable.js';
import { measureLatency } from './measureLatency.js';

export interface DeviceLatencyTableOptions {
  /** Quantizable layer names (ModelInfo.layers[].name). */
  layers: string[];
  /** Input activation tensors per layer (ModelInfo.layers[].inputs), to count quantizer nodes. */
  layerInputs?: Record<string, string[]>;
  /** Precision key -> QDQ model file of the same network in that precision. */
  variants?: Record<string, string>;
  runs?: number;
  warmup?: number;
  probe?: ProbeResult;
}

export interface DeviceLatencyTable {
  table: LatencyTable & { device: string; modelSha256: string };
  measurements: Record<string, MeasureResult>;
}

/** Profiles the FP32 model and every variant on the device and builds the table. */
export async function measureDeviceLatencyTable(device: MeasurableDevice, modelPath: string, options: DeviceLatencyTableOptions): Promise<DeviceLatencyTable> {
  const probe = options.probe ?? (await device.probe());
  const common = { probe, runs: options.runs ?? 200, warmup: options.warmup ?? 20, profile: true };
  const measurements: Record<string, MeasureResult> = { FP32: await measureLatency(device, modelPath, common) };
  for (const [key, path] of Object.entries(options.variants ?? {})) measurements[key] = await measureLatency(device, path, common);
  const profiles = Object.fromEntries(Object.entries(measurements).map(([key, m]) => [key, m.nodeMs ?? {}]));
  const { table } = buildLatencyTable({ layers: options.layers, layerInputs: options.layerInputs, profiles, endToEndMs: measurements.FP32.latencyMs.median });
  return { table: { ...table, device: device.name, modelSha256: measurements.FP32.modelSha256 }, measurements };
}
