/**
 * History benchmark (issue 6): fills a fresh database with 10,000 runs and 1,000,000 latency
 * measurements (plus configurations and evaluations) through the real repositories, then times the
 * two queries a user waits for: the history list (recent runs, unfiltered and filtered by model and
 * device) and a comparison of configurations. Each time is printed next to the same query with its
 * indexes disabled (a full scan) on the same database, as a ratio. Goal: under 50 ms each.
 *
 * Run: npm run bench:history  (node --import tsx bench/history.ts [--runs N] [--measurements N])
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { QuantConfig } from '../src-main/api/index.js';
import { compareConfigurations, openHistoryStore, RUN_LIST_SQL, type HistoryStore } from '../src-main/store/index.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('runs', 10_000);
const MEASUREMENTS = arg('measurements', 1_000_000);
const MODELS = 20;
const DEVICES = 10;
const GROUPS = 24;
const CONFIGS_PER_MODEL = 60;
const EVALUATIONS_PER_RUN = 5;
const SAMPLES_PER_MEASUREMENT = 8;
const BATCH = 20_000;

/** Deterministic pseudo-random numbers, so every run of the benchmark builds the same history. */
let state = 12345;
const random = (): number => {
  state = (state * 1103515245 + 12345) % 2 ** 31;
  return state / 2 ** 31;
};

function fill(store: HistoryStore): { chosen: number[]; seconds: number } {
  const started = performance.now();
  const modelIds: number[] = [];
  const deviceIds: number[] = [];
  const configIds: number[][] = [];
  const datasetId = store.catalog.upsertDataset({ sha256: 'd'.repeat(64), name: 'fmnist-val', samples: 10_000, labeled: true });
  store.transaction(() => {
    for (let m = 0; m < MODELS; m++) {
      const id = store.catalog.upsertModel({ sha256: m.toString(16).padStart(64, '0'), name: `model-${m}.onnx` });
      modelIds.push(id);
      const ids: number[] = [];
      for (let c = 0; c < CONFIGS_PER_MODEL; c++) {
        const config: QuantConfig = { groups: Object.fromEntries(Array.from({ length: GROUPS }, (_, g) => [`g${g}`, { w: [2, 4, 8][(c + g * (c % 5)) % 3], a: 8 }])) };
        ids.push(store.results.internConfiguration(id, config).id);
      }
      configIds.push(ids);
    }
    for (let d = 0; d < DEVICES; d++) deviceIds.push(store.catalog.upsertDevice({ name: `device-${d}`, kind: d === 0 ? 'local' : 'ssh', host: d === 0 ? null : `10.0.0.${d}` }));
  });

  const runModel: number[] = [];
  const runIds: number[] = [];
  const t0 = Date.parse('2025-01-01T00:00:00Z');
  for (let start = 0; start < RUNS; start += BATCH) {
    store.transaction(() => {
      for (let r = start; r < Math.min(RUNS, start + BATCH); r++) {
        const m = Math.floor(random() * MODELS);
        const kind = r % 3 === 0 ? 'benchmark' : 'search';
        const runId = store.runs.create({
          kind,
          title: `${kind} ${r}`,
          method: kind === 'search' ? 'pareto' : 'fixed',
          modelId: modelIds[m],
          datasetId,
          deviceId: deviceIds[Math.floor(random() * DEVICES)],
          settings: { candidates: ['W2A8', 'W4A8', 'W8A8'], seed: r },
          versions: { app: '0.1.0', onnxruntime: '1.30.0' },
          createdAt: new Date(t0 + r * 60_000).toISOString(),
        });
        runModel.push(m);
        runIds.push(runId);
        for (let e = 0; e < EVALUATIONS_PER_RUN; e++) {
          const configurationId = configIds[m][Math.floor(random() * CONFIGS_PER_MODEL)];
          store.results.insertEvaluation({
            runId,
            configurationId,
            key: `e${e}`,
            metrics: { accuracy: 0.8 + random() * 0.1, sqnrDb: 20 + random() * 10, cost: 1e8, bops: 1e8, sizeBytes: 40_000, split: 'validation', samples: 2000 },
            record: { key: `e${e}` },
          });
        }
        store.runs.finish(runId, 'done', { chosenConfigurationId: configIds[m][r % CONFIGS_PER_MODEL] });
      }
    });
  }

  const perRun = MEASUREMENTS / RUNS;
  const samples = new Float64Array(SAMPLES_PER_MEASUREMENT);
  let written = 0;
  while (written < MEASUREMENTS) {
    store.transaction(() => {
      for (let i = 0; i < BATCH && written < MEASUREMENTS; i++, written++) {
        const r = Math.floor(written / perRun);
        const median = 1 + random() * 5;
        for (let s = 0; s < samples.length; s++) samples[s] = median * (0.95 + random() * 0.1);
        store.results.insertMeasurement({
          runId: runIds[r],
          configurationId: configIds[runModel[r]][written % CONFIGS_PER_MODEL],
          deviceId: deviceIds[Math.floor(random() * DEVICES)],
          key: `m${written}`,
          runtime: 'onnxruntime-node',
          summary: { warmup: 10, iterations: SAMPLES_PER_MEASUREMENT, minMs: median * 0.95, medianMs: median, meanMs: median, p90Ms: median * 1.04, p99Ms: median * 1.05, cv: 0.03, unstable: false },
          samples,
          createdAt: new Date(t0 + written * 1000).toISOString(),
        });
      }
    });
  }
  return { chosen: runIds.slice(-3), seconds: (performance.now() - started) / 1000 };
}

/** Median wall time of `work` over `times` calls, after one untimed warm-up call (ms). */
function time(work: () => unknown, times = 31): { medianMs: number; firstMs: number } {
  const first = performance.now();
  work();
  const firstMs = performance.now() - first;
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    work();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: samples[Math.floor(samples.length / 2)], firstMs };
}

/** The same statement with every table's indexes switched off: the baseline a missing index gives. */
function withoutIndexes(sql: string): string {
  return sql.replace(/FROM runs r /g, 'FROM runs r NOT INDEXED ').replace(/FROM measurements\b/g, 'FROM measurements NOT INDEXED').replace(/FROM models WHERE/g, 'FROM models NOT INDEXED WHERE');
}

function report(name: string, ours: { medianMs: number; firstMs: number }, baseline: { medianMs: number }): void {
  const verdict = ours.medianMs < 50 && ours.firstMs < 50 ? 'ok' : 'OVER GOAL';
  console.log(
    `${name.padEnd(34)} ${ours.medianMs.toFixed(3).padStart(8)} ms median (first ${ours.firstMs.toFixed(2)} ms) | full-scan baseline ${baseline.medianMs.toFixed(1).padStart(7)} ms | ratio ${(ours.medianMs / baseline.medianMs).toFixed(4)} | goal < 50 ms: ${verdict}`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'bb-bench-history-'));
try {
  const path = join(dir, 'bitbench.sqlite');
  const store = openHistoryStore(path);
  const { chosen, seconds } = fill(store);
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  console.log(`filled ${RUNS} runs, ${MEASUREMENTS} measurements, ${RUNS * EVALUATIONS_PER_RUN} evaluations in ${seconds.toFixed(1)} s (${Math.round(MEASUREMENTS / seconds)} rows/s); database ${(statSync(path).size / 2 ** 20).toFixed(0)} MiB`);
  store.close();

  // A fresh connection, as the app has after a restart.
  const fresh = openHistoryStore(path);
  const params = { limit: 50, model: 'model-7.onnx', device: 'device-3' };
  const db = fresh.db;
  const listAll = time(() => fresh.runs.list({ limit: 50 }));
  const listAllBase = time(() => db.prepare(withoutIndexes(RUN_LIST_SQL.all)).all(params), 5);
  report('history list (50 most recent)', listAll, listAllBase);
  const listModel = time(() => fresh.runs.list({ limit: 50, model: params.model }));
  report('history list --model', listModel, time(() => db.prepare(withoutIndexes(RUN_LIST_SQL.model)).all(params), 5));
  const listDevice = time(() => fresh.runs.list({ limit: 50, device: params.device }));
  report('history list --device', listDevice, time(() => db.prepare(withoutIndexes(RUN_LIST_SQL.device)).all(params), 5));

  const targets = chosen.map((runId) => ({ runId }));
  const compare = time(() => compareConfigurations(fresh, targets, { device: 'device-3' }));
  // Baseline: the compare's per-configuration latency lookups without the measurements index.
  const configs = compareConfigurations(fresh, targets, { device: 'device-3' }).rows.map((r) => r.configurationId);
  const deviceId = fresh.catalog.deviceByName('device-3')!.id;
  const latestBase = db.prepare(withoutIndexes('SELECT median_ms FROM measurements WHERE configuration_id = ? AND device_id = ? ORDER BY created_at DESC LIMIT 1'));
  const compareBase = time(() => configs.forEach((c) => latestBase.get(c, deviceId)), 3);
  report(`compare (${targets.length} runs, ${MEASUREMENTS} meas.)`, compare, compareBase);
  const measuredRows = compareConfigurations(fresh, targets, { device: 'device-3' }).rows.map((r) => r.latency?.measurements ?? 0);
  console.log(`compare found ${measuredRows.join(', ')} measurements per configuration on device-3`);
  fresh.close();
} finally {
  // BB_BENCH_KEEP=1 keeps the filled database for a closer look (EXPLAIN QUERY PLAN and the like).
  if (process.env.BB_BENCH_KEEP) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
