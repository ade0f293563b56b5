import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Comparison, RunDetail, RunSummary } from '../../src-main/api/index.js';
import { compareConfigurations, exportRun, exportRunJson, importRun, importRunJson, openHistoryStore } from '../../src-main/store/index.js';
import { buildSampleHistory, MIXED, tempDir } from './fixtures.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function sample() {
  const tmp = tempDir();
  const history = buildSampleHistory(join(tmp.dir, 'bitbench.sqlite'));
  cleanups.push(() => {
    history.store.close();
    tmp.remove();
  });
  return { ...history, tmp };
}

describe('history store', () => {
  it('opens in WAL mode with foreign keys and a busy timeout', () => {
    const { store } = sample();
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(() => store.results.insertEvaluation({ runId: 9999, configurationId: 1, key: 'x', metrics: { accuracy: null, sqnrDb: null, cost: null, bops: null, sizeBytes: null, split: null, samples: null }, record: {} })).toThrow(/FOREIGN KEY/);
  });

  it('lists recent runs first, filtered by model and device, in the contract shape', () => {
    const { store, searchRunId, benchRunId } = sample();
    const all = store.runs.list();
    expect(all.map((r) => r.id)).toEqual([benchRunId, searchRunId]);
    for (const run of all) RunSummary.parse(run);
    expect(store.runs.list({ model: 'lenet.onnx', device: 'jetson' })).toHaveLength(2);
    expect(store.runs.list({ model: 'a'.repeat(64) })).toHaveLength(2);
    expect(store.runs.list({ model: 'other.onnx' })).toHaveLength(0);
    expect(store.runs.list({ device: 'nano-2' })).toHaveLength(0);
    expect(store.runs.list({ limit: 1 })).toHaveLength(1);
  });

  it('shows a run in full and keeps raw latency samples exactly', () => {
    const { store, benchRunId, w8a8Id } = sample();
    const detail = RunDetail.parse(store.runDetail(benchRunId));
    expect(detail.evaluations).toHaveLength(2);
    expect(detail.measurements).toHaveLength(3);
    expect(detail.configurations.map((c) => c.id)).toContain(w8a8Id);
    expect((detail.evaluations.find((e) => e.key === 'w8a8')!.record as { sqnrDb: number }).sqnrDb).toBe(Infinity);
    const m = detail.measurements.find((x) => x.configurationId === w8a8Id)!;
    expect(m.sampleCount).toBe(4);
    expect(Array.from(store.results.measurementSamples(m.id))).toEqual([1.9, 2.0, 2.0, 2.2]);
    expect(store.runDetail(12345)).toBeNull();
  });

  it('interns a configuration once per model, whatever the group order', () => {
    const { store, mixedId } = sample();
    const reordered = { groups: { fc: { w: 4, a: 8 }, conv2: { w: 4, a: 8 }, conv1: { w: 8, a: 8 } } };
    expect(store.results.internConfiguration(1, reordered).id).toBe(mixedId);
    expect(store.results.configuration(mixedId)!.config).toEqual(MIXED);
  });

  it('compares a search pick with fixed baselines on the same data and device', () => {
    const { store, searchRunId, benchRunId } = sample();
    const cmp = Comparison.parse(compareConfigurations(store, [{ runId: searchRunId }, { runId: benchRunId }]));
    expect(cmp.rows.map((r) => r.label)).toEqual(['mixed (pareto run 1)', 'fixed W8A8', 'fixed W4A8']);
    expect(cmp.rows[0].fixed).toBe(false);
    expect(cmp.rows[0].metrics!.accuracy).toBe(0.9);
    expect(cmp.rows[0].latency).toMatchObject({ medianMs: 1.6, measurements: 1, runtime: 'tensorrt' });
    expect(cmp.rows[1].delta!.accuracy).toBeCloseTo(0.01, 12);
    expect(cmp.rows[2].delta!.sizeBytes).toBe(-1000);
    expect(cmp.device).toEqual({ name: 'jetson' });
    expect(cmp.groups).toEqual([
      { group: 'conv1', bits: ['W8A8', 'W8A8', 'W4A8'], differs: true },
      { group: 'conv2', bits: ['W4A8', 'W8A8', 'W4A8'], differs: true },
      { group: 'fc', bits: ['W4A8', 'W8A8', 'W4A8'], differs: true },
    ]);
    expect(cmp.warnings).toEqual([]);
  });

  it('refuses to compare unknown runs', () => {
    const { store } = sample();
    expect(() => compareConfigurations(store, [{ runId: 77 }])).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('exports a run and imports it into another history identically', () => {
    const { store, benchRunId, tmp } = sample();
    const text = exportRunJson(store, benchRunId);
    const other = openHistoryStore(join(tmp.dir, 'other.sqlite'));
    cleanups.unshift(() => other.close());
    const newId = importRunJson(other, text);
    const a = store.runDetail(benchRunId)!;
    const b = other.runDetail(newId)!;
    const strip = (d: RunDetail) => ({
      ...d,
      id: 0,
      configurations: d.configurations.map((c) => ({ ...c, id: 0 })),
      evaluations: d.evaluations.map((e) => ({ ...e, id: 0, runId: 0, configurationId: 0 })),
      measurements: d.measurements.map((m) => ({ ...m, id: 0, runId: 0, configurationId: 0 })),
    });
    expect(strip(b)).toEqual(strip(a));
    expect(other.catalog.deviceByName('jetson')?.record).toMatchObject({ user: 'lab', auth: ['agent'] });
    const m = b.measurements[0];
    expect(Array.from(other.results.measurementSamples(m.id))).toEqual(Array.from(store.results.measurementSamples(a.measurements[0].id)));
  });

  it('rejects a tampered export and leaves the history unchanged', () => {
    const { store, searchRunId } = sample();
    const doc = exportRun(store, searchRunId);
    doc.configurations[0].config.groups.conv1 = { w: 2, a: 2 };
    expect(() => importRun(store, doc)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => importRun(store, { hello: 'world' })).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(() => importRunJson(store, 'not json')).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(store.runs.list()).toHaveLength(2);
  });
});
