/**
 * The measurement job: exports each configuration of a benchmark run as a deployable QDQ model
 * (kept as an artifact by content hash), measures it end to end on one device, and stores each
 * measurement (statistics, raw samples, device state) the moment it finishes. A resumed run skips
 * the configurations it already measured. Configurations the device cannot run fast are skipped
 * with the device's reason instead of producing numbers for a precision it does not have.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { BitbenchError, CalibrationMethod, LOCAL_DEVICE_NAME, PreprocessSpec, QuantConfig, type MeasureResult } from '../../api/index.js';
import type { DeviceLab } from '../../device/deviceLab.js';
import { QuantSimulator } from '../../engine/index.js';
import { openSearchData } from '../../engine/search/runSearch.js';
import { configHash } from '../../store/index.js';
import type { JobContext, JobExecutor, JobOutcome } from '../jobTypes.js';
import { recordExportedModel } from './recordExportedModel.js';
import { finishedMeasurementOf } from './finishedMeasurement.js';

/** Marks a run's settings as a benchmark so this executor (and no other) picks it up. */
export const BENCHMARK_MARKER = 'benchmark';

/** What a benchmark run measures, and how. */
export const BenchmarkSettings = z.object({
  executor: z.literal(BENCHMARK_MARKER),
  modelPath: z.string().min(1),
  /**
   * The search's data, calibration spec, seed and size: calibration is chosen from them exactly as
   * the search chose it, so the exported model is the one the search evaluated.
   */
  data: z.string().min(1),
  calib: z.string().min(1).optional(),
  preprocess: PreprocessSpec.optional(),
  calibLimit: z.number().int().positive().default(256),
  calibration: CalibrationMethod.default('percentile'),
  seed: z.number().int().default(1),
  device: z.string().min(1).default(LOCAL_DEVICE_NAME),
  warmup: z.number().int().min(0).default(10),
  runs: z.number().int().min(1).default(40),
  targets: z.array(z.object({ label: z.string(), config: QuantConfig })).min(1),
});
export type BenchmarkSettings = z.input<typeof BenchmarkSettings>;

/** The result kept on a benchmark run; the statistics themselves are the run's measurement rows. */
export interface BenchmarkResult {
  device: string;
  measured: Array<{ label: string; configHash: string }>;
  skipped: Array<{ label: string; configHash: string; reason: string }>;
}

/** The part of the device lab a benchmark needs. */
export type MeasuringLab = Pick<DeviceLab, 'probe' | 'measure'>;

export interface BenchmarkDeps {
  lab: MeasuringLab;
  artifactsDir: string;
}

export function createBenchmarkExecutor(deps: BenchmarkDeps): JobExecutor {
  return {
    accepts: (run) => run.kind === 'benchmark' && run.settings.executor === BENCHMARK_MARKER,
    execute: (context) => executeBenchmark(context, deps),
  };
}

/** Key of a measurement inside its run: one per device and configuration. */
export function latencyKey(device: string, hash: string): string {
  return `latency:${device}:${hash}`;
}

async function executeBenchmark(context: JobContext, deps: BenchmarkDeps): Promise<JobOutcome> {
  const parsed = BenchmarkSettings.safeParse(context.run.settings);
  if (!parsed.success) throw new BitbenchError('INVALID_CONFIG', `Invalid benchmark settings: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}.`, 'Create the benchmark again from its search run.');
  const s = parsed.data;
  const result: BenchmarkResult = { device: s.device, measured: [], skipped: [] };

  const probe = await deps.lab.probe(s.device);
  context.recordProbe(s.device, probe);
  const dir = join(deps.artifactsDir, 'exports');
  mkdirSync(dir, { recursive: true });
  let simulator: QuantSimulator | undefined;
  try {
    for (const [i, target] of s.targets.entries()) {
      if (context.signal.aborted) throw new BitbenchError('CANCELLED', 'The benchmark was cancelled.');
      const hash = configHash(target.config);
      const key = latencyKey(s.device, hash);
      context.progress({ phase: 'measure', step: `${target.label} on ${s.device}`, done: i, total: s.targets.length });
      if (context.finishedMeasurementKeys.has(key)) {
        // Measured and stored by an earlier attempt of this run: never measured twice.
        result.measured.push({ label: target.label, configHash: hash });
        continue;
      }

      let modelPath = s.modelPath;
      if (Object.keys(target.config.groups).length > 0) {
        if (!simulator) {
          const data = await openSearchData({ data: s.data, calib: s.calib, preprocess: s.preprocess, seed: s.seed, calibrationSamples: s.calibLimit });
          simulator = await QuantSimulator.create(s.modelPath, { calibration: data.calibration, calibrationMethod: s.calibration, calibrationLimit: data.calibration.size, signal: context.signal });
        }
        modelPath = join(dir, `${hash.slice(0, 16)}.onnx`);
        recordExportedModel(context, target.config, modelPath, await simulator.exportQdq(target.config, modelPath));
      }
      let measured: MeasureResult;
      try {
        measured = await deps.lab.measure(s.device, modelPath, { probe, warmup: s.warmup, runs: s.runs, signal: context.signal });
      } catch (error) {
        if (error instanceof BitbenchError && error.code === 'UNSUPPORTED_PRECISION') {
          context.log('warn', `${target.label}: ${error.message}`);
          result.skipped.push({ label: target.label, configHash: hash, reason: error.message });
          continue;
        }
        throw error;
      }
      context.recordMeasurement(finishedMeasurementOf(key, target.config, s.device, measured));
      result.measured.push({ label: target.label, configHash: hash });
      context.log('info', `${target.label}: median ${measured.latencyMs.median.toFixed(3)} ms on ${s.device} (cv ${(measured.cv * 100).toFixed(1)}%${measured.unstable ? ', unstable' : ''}).`);
    }
    context.progress({ phase: 'measure', done: s.targets.length, total: s.targets.length, etaSeconds: 0 });
  } finally {
    await simulator?.dispose();
  }
  return { result };
}
