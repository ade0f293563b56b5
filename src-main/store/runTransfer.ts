/**
 * Export and import of one run as a portable JSON document, so results move between machines.
 * Models and datasets travel by content hash (with their names), configurations with their stable
 * hash, measurements with their raw samples. Import writes everything in one transaction: a bad file
 * leaves the history exactly as it was.
 */
import { z } from 'zod';
import { BitbenchError, DeviceRecord, EvaluationMetrics, MeasurementSummary, QuantConfig } from '../api/index.js';
import { configHash } from './configHash.js';
import { decodeJson, encodeJson } from './jsonCodec.js';
import type { HistoryStore } from './historyStore.js';

export const RUN_EXPORT_FORMAT = 'bitbench-run';
export const RUN_EXPORT_VERSION = 1;

const DeviceExport = z.object({ name: z.string(), kind: z.enum(['local', 'ssh']), host: z.string().nullable(), record: DeviceRecord.nullable() });

/** The exported form of a run. */
export const RunExport = z.object({
  format: z.literal(RUN_EXPORT_FORMAT),
  version: z.literal(RUN_EXPORT_VERSION),
  exportedAt: z.string(),
  model: z.object({ sha256: z.string(), name: z.string(), info: z.unknown().nullable() }),
  dataset: z.object({ sha256: z.string(), name: z.string(), spec: z.string().nullable(), samples: z.number().nullable(), labeled: z.boolean() }).nullable(),
  devices: z.array(DeviceExport),
  run: z.object({
    kind: z.enum(['search', 'benchmark', 'evaluate']),
    status: z.enum(['queued', 'running', 'paused', 'done', 'failed', 'cancelled']),
    title: z.string(),
    method: z.string().nullable(),
    deviceName: z.string().nullable(),
    settings: z.record(z.string(), z.unknown()),
    versions: z.record(z.string(), z.string()),
    deviceState: z.unknown().nullable(),
    result: z.unknown().nullable(),
    error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).nullable(),
    chosenConfigHash: z.string().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  }),
  configurations: z.array(z.object({ hash: z.string(), label: z.string().nullable(), config: QuantConfig })),
  evaluations: z.array(z.object({ configHash: z.string(), key: z.string(), metrics: EvaluationMetrics, record: z.unknown(), createdAt: z.string() })),
  measurements: z.array(
    z.object({
      configHash: z.string().nullable(),
      deviceName: z.string(),
      key: z.string(),
      runtime: z.string(),
      summary: MeasurementSummary,
      samples: z.array(z.number()),
      deviceState: z.unknown().nullable(),
      createdAt: z.string(),
    }),
  ),
});
export type RunExport = z.infer<typeof RunExport>;

/** Builds the portable document of a run. */
export function exportRun(store: HistoryStore, runId: number): RunExport {
  const detail = store.runDetail(runId);
  const run = store.runs.get(runId);
  if (!detail || !run) throw new BitbenchError('NOT_FOUND', `There is no run ${runId}.`, 'List the runs with `bitbench runs list`.');
  const model = store.catalog.modelBySha(detail.model.sha256);
  const dataset = detail.dataset ? store.catalog.datasetBySha(detail.dataset.sha256) : null;
  const deviceNames = new Set<string>(detail.measurements.map((m) => m.deviceName));
  if (detail.device) deviceNames.add(detail.device.name);
  const devices = [...deviceNames].map((name) => {
    const d = store.catalog.deviceByName(name)!;
    return { name: d.name, kind: d.kind, host: d.host, record: d.record };
  });
  const chosen = run.chosenConfigurationId === null ? null : store.results.configuration(run.chosenConfigurationId);
  return {
    format: RUN_EXPORT_FORMAT,
    version: RUN_EXPORT_VERSION,
    exportedAt: new Date().toISOString(),
    model: { sha256: detail.model.sha256, name: detail.model.name, info: model?.info ?? null },
    dataset: dataset ? { sha256: dataset.sha256, name: dataset.name, spec: dataset.spec, samples: dataset.samples, labeled: dataset.labeled } : null,
    devices,
    run: {
      kind: run.kind,
      status: run.status,
      title: run.title,
      method: run.method,
      deviceName: detail.device?.name ?? null,
      settings: run.settings,
      versions: run.versions,
      deviceState: run.deviceState,
      result: run.result,
      error: run.error,
      chosenConfigHash: chosen?.hash ?? null,
      createdAt: run.createdAt,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
    },
    configurations: detail.configurations.map((c) => ({ hash: c.hash, label: c.label, config: c.config })),
    evaluations: detail.evaluations.map((e) => ({
      configHash: e.configHash,
      key: e.key,
      metrics: { accuracy: e.accuracy, sqnrDb: e.sqnrDb, cost: e.cost, bops: e.bops, sizeBytes: e.sizeBytes, split: e.split, samples: e.samples },
      record: e.record,
      createdAt: e.createdAt,
    })),
    measurements: detail.measurements.map((m) => ({
      configHash: m.configHash,
      deviceName: m.deviceName,
      key: m.key,
      runtime: m.runtime,
      summary: { warmup: m.warmup, iterations: m.iterations, minMs: m.minMs, medianMs: m.medianMs, meanMs: m.meanMs, p90Ms: m.p90Ms, p99Ms: m.p99Ms, cv: m.cv, unstable: m.unstable },
      samples: Array.from(store.results.measurementSamples(m.id)),
      deviceState: m.deviceState,
      createdAt: m.createdAt,
    })),
  };
}

/** The export as file text (non-finite metrics such as FP32's infinite SQNR survive the trip). */
export function exportRunJson(store: HistoryStore, runId: number): string {
  return encodeJson(exportRun(store, runId)) + '\n';
}

/** Imports file text written by exportRunJson; returns the new run's id. */
export function importRunJson(store: HistoryStore, text: string): number {
  let document: unknown;
  try {
    document = decodeJson(text);
  } catch (error) {
    throw new BitbenchError('BAD_REQUEST', `This is not a Bitbench run export: it is not JSON (${(error as Error).message}).`, 'Export the run again with `bitbench runs export ID --out FILE`.');
  }
  return importRun(store, document);
}

/**
 * Imports an exported run as a new run; returns its id. A run that was still going where it was
 * exported arrives paused: its job state (the model file, the live process) stayed on that machine.
 */
export function importRun(store: HistoryStore, document: unknown): number {
  const parsed = RunExport.safeParse(document);
  if (!parsed.success) {
    const detail = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`).join('; ');
    throw new BitbenchError('BAD_REQUEST', `This is not a Bitbench run export: ${detail}.`, 'Export the run again with `bitbench runs export ID --out FILE`.');
  }
  const doc = parsed.data;
  for (const c of doc.configurations) {
    if (configHash(c.config) !== c.hash) {
      throw new BitbenchError('INVALID_CONFIG', `Configuration ${c.hash.slice(0, 12)} in the export does not match its hash; the file was changed after export.`, 'Export the run again from the original machine.');
    }
  }
  return store.transaction(() => {
    const modelId = store.catalog.upsertModel({ sha256: doc.model.sha256, name: doc.model.name, info: doc.model.info ?? undefined });
    const datasetId = doc.dataset ? store.catalog.upsertDataset({ ...doc.dataset }) : null;
    const deviceIds = new Map<string, number>();
    for (const d of doc.devices) deviceIds.set(d.name, store.catalog.upsertDevice({ name: d.name, kind: d.kind, host: d.host, record: d.record }));
    const deviceId = (name: string | null): number | null => {
      if (name === null) return null;
      const id = deviceIds.get(name);
      if (id === undefined) throw new BitbenchError('BAD_REQUEST', `The export refers to device ${JSON.stringify(name)} but does not describe it.`, 'Export the run again.');
      return id;
    };
    const runId = store.runs.create({
      kind: doc.run.kind,
      title: doc.run.title,
      method: doc.run.method,
      modelId,
      datasetId,
      deviceId: deviceId(doc.run.deviceName),
      settings: doc.run.settings,
      versions: doc.run.versions,
      deviceState: doc.run.deviceState ?? undefined,
      createdAt: doc.run.createdAt,
    });
    const configIds = new Map<string, number>();
    for (const c of doc.configurations) configIds.set(c.hash, store.results.internConfiguration(modelId, c.config, c.label).id);
    const configId = (hash: string): number => {
      const id = configIds.get(hash);
      if (id === undefined) throw new BitbenchError('BAD_REQUEST', `The export refers to configuration ${hash.slice(0, 12)} but does not contain it.`, 'Export the run again.');
      return id;
    };
    for (const e of doc.evaluations) store.results.insertEvaluation({ runId, configurationId: configId(e.configHash), key: e.key, metrics: e.metrics, record: e.record, createdAt: e.createdAt });
    for (const m of doc.measurements) {
      store.results.insertMeasurement({
        runId,
        configurationId: m.configHash === null ? null : configId(m.configHash),
        deviceId: deviceId(m.deviceName)!,
        key: m.key,
        runtime: m.runtime,
        summary: m.summary,
        samples: m.samples,
        deviceState: m.deviceState ?? undefined,
        createdAt: m.createdAt,
      });
    }
    const status = doc.run.status === 'running' || doc.run.status === 'queued' ? 'paused' : doc.run.status;
    store.runs.finish(runId, status, {
      result: doc.run.result ?? undefined,
      error: doc.run.error ?? undefined,
      chosenConfigurationId: doc.run.chosenConfigHash === null ? undefined : configId(doc.run.chosenConfigHash),
    });
    store.runs.setTimes(runId, doc.run.startedAt, status === 'paused' ? null : doc.run.finishedAt);
    return runId;
  });
}
