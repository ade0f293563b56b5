/**
 * Test helpers for the history: a temporary home, and a small but complete history (a model, a
 * dataset, a device, a search run with a chosen mixed configuration, a benchmark run of fixed
 * baselines with latency measurements) built through the real repositories.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QuantConfig } from '../../src-main/api/index.js';
import { openHistoryStore, type HistoryStore } from '../../src-main/store/index.js';

/** A fresh temporary folder, removed by the returned function. */
export function tempDir(prefix = 'bb-store-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const GROUPS = ['conv1', 'conv2', 'fc'];

export function uniform(w: number, a: number): QuantConfig {
  return { groups: Object.fromEntries(GROUPS.map((g) => [g, { w, a }])) };
}

export const MIXED: QuantConfig = { groups: { conv1: { w: 8, a: 8 }, conv2: { w: 4, a: 8 }, fc: { w: 4, a: 8 } } };

export interface SampleHistory {
  store: HistoryStore;
  searchRunId: number;
  benchRunId: number;
  mixedId: number;
  w8a8Id: number;
  w4a8Id: number;
}

/** Fills a store with one search and one benchmark on the same model, data and device. */
export function buildSampleHistory(path: string): SampleHistory {
  const store = openHistoryStore(path);
  const modelId = store.catalog.upsertModel({ sha256: 'a'.repeat(64), name: 'lenet.onnx' });
  const datasetId = store.catalog.upsertDataset({ sha256: 'b'.repeat(64), name: 'fmnist-val', samples: 1000, labeled: true });
  const deviceId = store.catalog.upsertDevice({ name: 'jetson', kind: 'ssh', host: '10.0.0.7', record: { name: 'jetson', kind: 'ssh', host: '10.0.0.7', user: 'lab', auth: ['agent'], createdAt: '2025-01-01T00:00:00.000Z' } });
  const versions = { app: '0.1.0', onnxruntime: '1.30.0', node: process.versions.node };
  const searchRunId = store.runs.create({ kind: 'search', title: 'pareto on lenet', method: 'pareto', modelId, datasetId, deviceId, settings: { candidates: ['W4A8', 'W8A8'] }, versions });
  const benchRunId = store.runs.create({ kind: 'benchmark', title: 'fixed baselines', method: 'fixed', modelId, datasetId, deviceId, settings: {}, versions });
  const mixed = store.results.internConfiguration(modelId, MIXED);
  const w8a8 = store.results.internConfiguration(modelId, uniform(8, 8));
  const w4a8 = store.results.internConfiguration(modelId, uniform(4, 8));
  const metrics = (accuracy: number, sqnrDb: number, sizeBytes: number, bops: number) => ({ accuracy, sqnrDb, cost: bops, bops, sizeBytes, split: 'validation', samples: 1000 });
  store.results.insertEvaluation({ runId: searchRunId, configurationId: mixed.id, key: 'mixed', metrics: metrics(0.9, 30, 5000, 1e6), record: { key: 'mixed' } });
  store.results.insertEvaluation({ runId: benchRunId, configurationId: w8a8.id, key: 'w8a8', metrics: metrics(0.91, 35, 8000, 4e6), record: { key: 'w8a8', sqnrDb: Infinity } });
  store.results.insertEvaluation({ runId: benchRunId, configurationId: w4a8.id, key: 'w4a8', metrics: metrics(0.85, 22, 4000, 2e6), record: { key: 'w4a8' } });
  const summary = (medianMs: number) => ({ warmup: 5, iterations: 4, minMs: medianMs - 0.1, medianMs, meanMs: medianMs, p90Ms: medianMs + 0.2, p99Ms: medianMs + 0.3, cv: 0.02, unstable: false });
  for (const [id, ms] of [[w8a8.id, 2.0], [w4a8.id, 1.5], [mixed.id, 1.6]] as const) {
    store.results.insertMeasurement({ runId: benchRunId, configurationId: id, deviceId, key: `lat-${id}`, runtime: 'tensorrt', summary: summary(ms), samples: [ms - 0.1, ms, ms, ms + 0.2], deviceState: { powerMode: 'MAXN' } });
  }
  store.runs.claim(searchRunId, process.pid);
  store.runs.finish(searchRunId, 'done', { result: { front: [] }, chosenConfigurationId: mixed.id });
  store.runs.finish(benchRunId, 'done');
  return { store, searchRunId, benchRunId, mixedId: mixed.id, w8a8Id: w8a8.id, w4a8Id: w4a8.id };
}
