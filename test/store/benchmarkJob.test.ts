/**
 * The measurement job on this computer with the real device lab and the real exporter: a search's
 * chosen configuration, its W8A8 baseline and FP32 are exported and measured one by one; each
 * measurement (raw samples included), each exported model and the device probe are stored; a pause
 * after the first measurement and a resume measure the rest without measuring anything twice.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { QuantConfig } from '../../src-main/api/index.js';
import { DeviceLab } from '../../src-main/device/deviceLab.js';
import { loadModel, uniformConfig } from '../../src-main/engine/index.js';
import { EventHub } from '../../src-main/jobs/events.js';
import { createBenchmarkExecutor, type MeasuringLab } from '../../src-main/jobs/executors/benchmarkJob.js';
import { JobRunner } from '../../src-main/jobs/jobRunner.js';
import { createBenchmarkRun, createRun } from '../../src-main/jobs/runFactory.js';
import { compareConfigurations, openHistoryStore } from '../../src-main/store/index.js';
import { tempDir } from './fixtures.js';

const DEMO = resolve(__dirname, '..', '..', 'resources', 'demo');
const MODEL = join(DEMO, 'fmnist_resnet20.onnx');

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanups.splice(0)) await f();
});

describe('benchmark job', () => {
  it('measures a search result on this computer, pausable and resumable without re-measuring', async () => {
    const tmp = tempDir('bb-bench-job-');
    cleanups.push(tmp.remove);
    const store = openHistoryStore(join(tmp.dir, 'bitbench.sqlite'));
    cleanups.unshift(() => store.close());
    const lab = new DeviceLab({ home: tmp.dir });
    cleanups.unshift(() => lab.close());

    // A finished search as the studio leaves it: settings, a chosen mixed configuration, baselines.
    const { info } = await loadModel(MODEL);
    const w8a8 = uniformConfig(info, { w: 8, a: 8 });
    const mixed: QuantConfig = { groups: { ...w8a8.groups, [info.groups[0].id]: { w: 4, a: 8 } } };
    const data = join(DEMO, 'fashion-mnist');
    const sourceId = createRun(store, {
      kind: 'search',
      title: 'search',
      method: 'pareto',
      model: { sha256: createHash('sha256').update(readFileSync(MODEL)).digest('hex'), name: 'fmnist_resnet20' },
      dataset: { sha256: 'e'.repeat(64), name: 'fmnist test' },
      settings: { executor: 'studio-search', modelPath: MODEL, data: `fmnist:${data}:test`, calib: `fmnist:${data}:train`, preprocess: { scale: 1 / 255, mean: [0.286], std: [0.353], layout: 'nchw', channels: 'gray' }, calibLimit: 32, seed: 1 },
    });
    const chosen = store.results.internConfiguration(store.runs.get(sourceId)!.modelId, mixed);
    store.results.insertEvaluation({ runId: sourceId, configurationId: chosen.id, key: 'chosen', metrics: { accuracy: 0.93, sqnrDb: 25, cost: 1, bops: 1, sizeBytes: 1, split: 'validation', samples: 200 }, record: {} });
    store.runs.finish(sourceId, 'done', { result: { baselines: [{ bits: 'W8A8', config: w8a8 }] }, chosenConfigurationId: chosen.id });

    const benchmarkId = createBenchmarkRun(store, sourceId, { warmup: 1, runs: 5 });
    const events = new EventHub();
    let measureCalls = 0;
    let runner: JobRunner;
    const countingLab: MeasuringLab = {
      probe: (name) => lab.probe(name),
      measure: async (name, modelPath, options) => {
        measureCalls += 1;
        const result = await lab.measure(name, modelPath, options);
        if (measureCalls === 1) runner.pause(benchmarkId);
        return result;
      },
    };
    runner = new JobRunner(store, events, [createBenchmarkExecutor({ lab: countingLab, artifactsDir: join(tmp.dir, 'artifacts') })]);

    expect(await runner.run(benchmarkId)).toBe('paused');
    expect(store.results.measurementsForRun(benchmarkId)).toHaveLength(1);
    expect(await runner.run(benchmarkId)).toBe('done');
    expect(measureCalls).toBe(3);

    const measurements = store.results.measurementsForRun(benchmarkId);
    expect(measurements.map((m) => m.key.split(':')[0])).toEqual(['latency', 'latency', 'latency']);
    expect(new Set(measurements.map((m) => m.configHash)).size).toBe(3);
    for (const m of measurements) {
      expect(m).toMatchObject({ deviceName: 'this computer', iterations: 5, sampleCount: 5 });
      const samples = Array.from(store.results.measurementSamples(m.id)).sort((a, b) => a - b);
      expect(samples[0]).toBeCloseTo(m.minMs, 9);
      expect(m.deviceState).not.toBeNull();
    }
    // Two quantized exports kept by content hash (FP32 is the original file), one probe per attempt.
    expect(store.db.prepare('SELECT count(*) AS n FROM artifacts').get()).toEqual({ n: 2 });
    expect(store.db.prepare('SELECT count(*) AS n FROM device_probes').get()).toEqual({ n: 2 });
    expect(store.catalog.latestProbe(store.catalog.deviceByName('this computer')!.id)?.cpu.cores).toBeGreaterThan(0);

    const comparison = compareConfigurations(store, [{ runId: sourceId }, { runId: benchmarkId }]);
    expect(comparison.rows[0]).toMatchObject({ runId: sourceId, configurationId: chosen.id, metrics: { accuracy: 0.93 } });
    expect(comparison.rows[0].latency?.medianMs).toBeGreaterThan(0);
    expect(comparison.rows.map((r) => r.label)).toContain('fixed W8A8');
    expect(comparison.rows.every((r) => r.latency !== null)).toBe(true);
  });
});
