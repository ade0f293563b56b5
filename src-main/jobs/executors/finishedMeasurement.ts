/** A device measurement as a job persists it: the stored summary, raw samples and device state. */
import type { MeasureResult, QuantConfig } from '../../api/index.js';
import type { FinishedMeasurement } from '../jobTypes.js';

export function finishedMeasurementOf(key: string, config: QuantConfig | null, deviceName: string, measured: MeasureResult): FinishedMeasurement {
  return {
    key,
    config,
    deviceName,
    runtime: measured.runtime,
    summary: {
      warmup: measured.warmup,
      iterations: measured.runs,
      minMs: measured.latencyMs.min,
      medianMs: measured.latencyMs.median,
      meanMs: measured.latencyMs.mean,
      p90Ms: measured.latencyMs.p90,
      p99Ms: measured.latencyMs.p99,
      cv: measured.cv,
      unstable: measured.unstable,
    },
    samples: measured.samplesMs,
    deviceState: measured.state,
  };
}
