/**
 * Creating runs: every run records the versions it ran with and the device it ran on (this
 * computer unless told otherwise), so results stay interpretable weeks later.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { BitbenchError, formatBitPair, LOCAL_DEVICE_NAME, type QuantConfig, type RunSummary } from '../api/index.js';
import type { DatasetInput, HistoryStore, ModelInput } from '../store/index.js';
import { BENCHMARK_MARKER, type BenchmarkSettings } from './executors/benchmarkJob.js';
import { syntheticModelInfo, SyntheticSearchSettings } from './executors/syntheticSearch.js';
import { getVersions } from './versions.js';

export interface NewRun {
  kind: RunSummary['kind'];
  title: string;
  method?: string | null;
  model: ModelInput;
  dataset?: DatasetInput | null;
  /** Defaults to this computer. */
  deviceName?: string;
  settings: Record<string, unknown>;
  deviceState?: unknown;
  /** Versions of device-side runtimes (TensorRT, ...) next to the app's own. */
  runtimeVersions?: Record<string, string>;
}

/** Creates a queued run (and the model, dataset and device rows it refers to) in one transaction. */
export function createRun(store: HistoryStore, run: NewRun): number {
  const versions = getVersions();
  return store.transaction(() => {
    const modelId = store.catalog.upsertModel(run.model);
    const datasetId = run.dataset ? store.catalog.upsertDataset(run.dataset) : null;
    const deviceName = run.deviceName ?? LOCAL_DEVICE_NAME;
    const deviceId = store.catalog.deviceByName(deviceName)?.id ?? store.catalog.upsertDevice({ name: deviceName, kind: deviceName === LOCAL_DEVICE_NAME ? 'local' : 'ssh' });
    return store.runs.create({
      kind: run.kind,
      title: run.title,
      method: run.method ?? null,
      modelId,
      datasetId,
      deviceId,
      settings: run.settings,
      versions: { app: versions.app, node: versions.node, onnxruntime: versions.onnxruntime, ...run.runtimeVersions },
      deviceState: run.deviceState,
    });
  });
}

/** Creates a search run over the synthetic model (see executors/syntheticSearch.ts). */
export function createSyntheticSearchRun(store: HistoryStore, settings: z.input<typeof SyntheticSearchSettings>): number {
  const parsed = SyntheticSearchSettings.parse(settings);
  const info = syntheticModelInfo(parsed.groups);
  const sha256 = createHash('sha256').update(JSON.stringify(info)).digest('hex');
  return createRun(store, {
    kind: 'search',
    title: `${parsed.method} search on ${info.name}`,
    method: parsed.method,
    model: { sha256, name: info.name, info: { ...info, sha256 } },
    // The raw settings (bit pairs as text) are what resume parses again.
    settings: { ...settings },
  });
}

export interface BenchmarkOptions {
  device?: string;
  warmup?: number;
  runs?: number;
}

/**
 * Creates a benchmark run that measures what a search found (its chosen configuration), its fixed
 * baselines and FP32 on a device, with the search's model, data and calibration.
 */
export function createBenchmarkRun(store: HistoryStore, sourceRunId: number, options: BenchmarkOptions = {}): number {
  const source = store.runs.get(sourceRunId);
  if (!source) throw new BitbenchError('NOT_FOUND', `There is no run ${sourceRunId}.`, 'List the runs with `bitbench runs list`.');
  const settings = source.settings as { modelPath?: unknown; data?: unknown; calib?: unknown; preprocess?: unknown; calibLimit?: unknown; calibration?: unknown; seed?: unknown };
  if (typeof settings.modelPath !== 'string' || typeof settings.data !== 'string') {
    throw new BitbenchError('INVALID_CONFIG', `Run ${sourceRunId} has no model file and data to measure with.`, 'Measure a search started from the studio, `bitbench demo` or the search API.');
  }
  const targets: Array<{ label: string; config: QuantConfig }> = [];
  const chosen = source.chosenConfigurationId === null ? null : store.results.configuration(source.chosenConfigurationId);
  if (chosen) targets.push({ label: 'Mixed (chosen)', config: chosen.config });
  const baselines = ((source.result as { baselines?: Array<{ bits?: string; config?: QuantConfig }> } | null)?.baselines ?? []).filter((b) => b.config);
  for (const b of baselines) targets.push({ label: b.bits ?? formatBitPair(Object.values(b.config!.groups)[0] ?? { w: null, a: null }), config: b.config! });
  targets.push({ label: 'FP32', config: { groups: {} } });
  const model = store.catalog.model(source.modelId)!;
  const dataset = source.datasetId === null ? null : store.catalog.dataset(source.datasetId);
  const device = options.device ?? LOCAL_DEVICE_NAME;
  const benchmark: BenchmarkSettings = {
    executor: BENCHMARK_MARKER,
    modelPath: settings.modelPath,
    data: settings.data,
    ...(typeof settings.calib === 'string' && { calib: settings.calib }),
    ...(settings.preprocess !== undefined && { preprocess: settings.preprocess as BenchmarkSettings['preprocess'] }),
    ...(typeof settings.calibLimit === 'number' && { calibLimit: settings.calibLimit }),
    ...(typeof settings.calibration === 'string' && { calibration: settings.calibration as BenchmarkSettings['calibration'] }),
    ...(typeof settings.seed === 'number' && { seed: settings.seed }),
    device,
    ...(options.warmup !== undefined && { warmup: options.warmup }),
    ...(options.runs !== undefined && { runs: options.runs }),
    targets,
  };
  return createRun(store, {
    kind: 'benchmark',
    title: `measure run ${sourceRunId} on ${device}`,
    method: 'latency',
    model: { sha256: model.sha256, name: model.name },
    dataset: dataset ? { sha256: dataset.sha256, name: dataset.name } : null,
    deviceName: device,
    settings: { ...benchmark, sourceRunId },
  });
}
