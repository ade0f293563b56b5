/**
 * Creating runs: every run records the versions it ran with and the device it ran on (this
 * computer unless told otherwise), so results stay interpretable weeks later.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { LOCAL_DEVICE_NAME, type RunSummary } from '../api/index.js';
import type { DatasetInput, HistoryStore, ModelInput } from '../store/index.js';
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
