/**
 * Side-by-side comparison of configurations (mixed and fixed, from any runs) on the same data and
 * device: accuracy, SQNR, latency with its spread, size, BOPs and the per-group bit-width
 * difference. A pure query that returns plain data; the UI and the reports render it.
 *
 * Metrics come from the named run when it evaluated the configuration, otherwise from any run that
 * evaluated the same configuration on the same dataset. Latency comes from every run that measured
 * the configuration on the comparison's device (a benchmark run usually measures what a search found).
 */
import type { Statement } from 'better-sqlite3';
import { BitbenchError, formatBitPair, type Comparison, type ComparisonRow, type CompareTarget, type ComparedLatency, type EvaluationMetrics, type StoredConfiguration } from '../api/index.js';
import type { HistoryStore } from './historyStore.js';
import { finiteOrNull } from './jsonCodec.js';

/** At most this many configurations are taken from one run that chose none (a search's sensitivity pass can have hundreds). */
export const MAX_CONFIGS_PER_RUN = 50;

export interface CompareOptions {
  /** Device whose measurements to use; defaults to the first run's device. */
  device?: string;
}

interface Queries {
  configsOfRun: Statement;
  configsMeasuredByRun: Statement;
  evaluationInRun: Statement;
  validationOnDataset: Statement;
  anyOnDataset: Statement;
  latestMeasurement: Statement;
  measurementCount: Statement;
}

const queriesByStore = new WeakMap<HistoryStore, Queries>();

const EVAL_COLUMNS = 'e.accuracy, e.sqnr_db AS sqnrDb, e.cost, e.bops, e.size_bytes AS sizeBytes, e.split, e.samples';

/** The compare queries (exported so a test can check their query plans). */
export const COMPARE_SQL = {
  configsOfRun: `SELECT DISTINCT configuration_id AS id FROM evaluations WHERE run_id = ? ORDER BY 1 LIMIT ${MAX_CONFIGS_PER_RUN + 1}`,
  configsMeasuredByRun: `SELECT DISTINCT configuration_id AS id FROM measurements WHERE run_id = ? AND configuration_id IS NOT NULL ORDER BY 1 LIMIT ${MAX_CONFIGS_PER_RUN + 1}`,
  evaluationInRun: `SELECT ${EVAL_COLUMNS} FROM evaluations e WHERE e.run_id = ? AND e.configuration_id = ?
    ORDER BY (e.split = 'validation') DESC, (e.accuracy IS NOT NULL) DESC, e.id DESC LIMIT 1`,
  validationOnDataset: `SELECT ${EVAL_COLUMNS} FROM evaluations e JOIN runs r ON r.id = e.run_id
    WHERE e.configuration_id = ? AND r.dataset_id IS ? AND e.split = 'validation' ORDER BY e.run_id DESC LIMIT 1`,
  anyOnDataset: `SELECT ${EVAL_COLUMNS} FROM evaluations e JOIN runs r ON r.id = e.run_id
    WHERE e.configuration_id = ? AND r.dataset_id IS ? ORDER BY e.run_id DESC LIMIT 1`,
  latestMeasurement: `SELECT median_ms AS medianMs, min_ms AS minMs, p90_ms AS p90Ms, cv, unstable, runtime FROM measurements
    WHERE configuration_id = ? AND device_id = ? ORDER BY created_at DESC LIMIT 1`,
  measurementCount: 'SELECT count(*) AS n FROM measurements WHERE configuration_id = ? AND device_id = ?',
} as const;

function queries(store: HistoryStore): Queries {
  let q = queriesByStore.get(store);
  if (!q) {
    const prepare = (key: keyof typeof COMPARE_SQL) => store.db.prepare(COMPARE_SQL[key]);
    q = {
      configsOfRun: prepare('configsOfRun'),
      configsMeasuredByRun: prepare('configsMeasuredByRun'),
      evaluationInRun: prepare('evaluationInRun'),
      validationOnDataset: prepare('validationOnDataset'),
      anyOnDataset: prepare('anyOnDataset'),
      latestMeasurement: prepare('latestMeasurement'),
      measurementCount: prepare('measurementCount'),
    };
    queriesByStore.set(store, q);
  }
  return q;
}

/** Compares the given configurations; a target without a configuration stands for its run's pick(s). */
export function compareConfigurations(store: HistoryStore, targets: CompareTarget[], options: CompareOptions = {}): Comparison {
  if (targets.length === 0) throw new BitbenchError('BAD_REQUEST', 'Nothing to compare.', 'Name at least one run.');
  const q = queries(store);
  const warnings: string[] = [];
  const picks: Array<{ run: NonNullable<ReturnType<HistoryStore['runs']['get']>>; config: StoredConfiguration }> = [];

  for (const target of targets) {
    const run = store.runs.get(target.runId);
    if (!run) throw new BitbenchError('NOT_FOUND', `There is no run ${target.runId}.`, 'List the runs with `bitbench runs list`.');
    let ids: number[];
    if (target.configurationId !== undefined) ids = [target.configurationId];
    else if (run.chosenConfigurationId !== null) ids = [run.chosenConfigurationId];
    else {
      // A run's own evaluations say what it was about; a pure latency benchmark has only measurements.
      ids = (q.configsOfRun.all(run.id) as Array<{ id: number }>).map((r) => r.id);
      if (ids.length === 0) ids = (q.configsMeasuredByRun.all(run.id) as Array<{ id: number }>).map((r) => r.id);
      if (ids.length > MAX_CONFIGS_PER_RUN) {
        ids = ids.slice(0, MAX_CONFIGS_PER_RUN);
        warnings.push(`Run ${run.id} chose no configuration; only its first ${MAX_CONFIGS_PER_RUN} configurations are shown.`);
      }
      if (ids.length === 0) warnings.push(`Run ${run.id} has no evaluated or measured configuration yet.`);
    }
    for (const id of ids) {
      const config = store.results.configuration(id);
      if (!config) throw new BitbenchError('NOT_FOUND', `There is no configuration ${id}.`, `Show the run with \`bitbench runs show ${run.id}\` to see its configurations.`);
      picks.push({ run, config });
    }
  }
  if (picks.length === 0) throw new BitbenchError('NOT_FOUND', 'The runs have no configurations to compare yet.', 'Wait for the runs to finish an evaluation, or resume them.');

  const reference = picks[0].run;
  const model = store.catalog.model(reference.modelId);
  const datasetId = reference.datasetId;
  const dataset = datasetId === null ? null : store.catalog.dataset(datasetId);
  const device = options.device !== undefined ? store.catalog.deviceByName(options.device) : reference.deviceId === null ? null : store.catalog.device(reference.deviceId);
  if (options.device !== undefined && !device) throw new BitbenchError('NOT_FOUND', `There is no device named ${JSON.stringify(options.device)} in the history.`, 'Check the name with `bitbench runs list`.');

  const runsSeen = new Set<number>();
  for (const { run } of picks) {
    if (runsSeen.has(run.id)) continue;
    runsSeen.add(run.id);
    if (run.modelId !== reference.modelId) warnings.push(`Run ${run.id} is on another model (${store.catalog.model(run.modelId)?.name}); its layers do not line up with run ${reference.id}.`);
    if (run.datasetId !== datasetId) warnings.push(`Run ${run.id} used other data than run ${reference.id}; its metrics are shown only where it was evaluated on the same data.`);
  }

  const rows: ComparisonRow[] = picks.map(({ run, config }) => {
    // This run's own evaluation if it used the comparison's data, else the latest validation (or
    // any) evaluation of the same configuration on the same data by another run.
    const evaluation = ((run.datasetId === datasetId ? q.evaluationInRun.get(run.id, config.id) : undefined) ??
      q.validationOnDataset.get(config.id, datasetId) ??
      q.anyOnDataset.get(config.id, datasetId) ??
      null) as EvaluationMetrics | null;
    const metrics: EvaluationMetrics | null = evaluation
      ? { accuracy: finiteOrNull(evaluation.accuracy), sqnrDb: finiteOrNull(evaluation.sqnrDb), cost: finiteOrNull(evaluation.cost), bops: evaluation.bops, sizeBytes: evaluation.sizeBytes, split: evaluation.split, samples: evaluation.samples }
      : null;
    let latency: ComparedLatency | null = null;
    if (device) {
      const m = q.latestMeasurement.get(config.id, device.id) as (Omit<ComparedLatency, 'measurements' | 'unstable'> & { unstable: number }) | undefined;
      if (m) latency = { ...m, unstable: m.unstable === 1, measurements: (q.measurementCount.get(config.id, device.id) as { n: number }).n };
    }
    const pairs = Object.values(config.config.groups);
    const fixed = pairs.length > 0 && pairs.every((p) => p.w === pairs[0].w && p.a === pairs[0].a);
    const label = config.label ?? (fixed ? `fixed ${formatBitPair(pairs[0])}` : pairs.length === 0 ? 'FP32' : `mixed (${run.method ?? run.kind} run ${run.id})`);
    return { runId: run.id, runTitle: run.title, method: run.method, configurationId: config.id, configHash: config.hash, label, fixed, metrics, latency, delta: null };
  });

  const ref = rows[0];
  const diff = (a: number | null | undefined, b: number | null | undefined): number | null => (a == null || b == null ? null : a - b);
  for (const row of rows.slice(1)) {
    row.delta = {
      accuracy: diff(row.metrics?.accuracy, ref.metrics?.accuracy),
      sqnrDb: diff(row.metrics?.sqnrDb, ref.metrics?.sqnrDb),
      sizeBytes: diff(row.metrics?.sizeBytes, ref.metrics?.sizeBytes),
      bops: diff(row.metrics?.bops, ref.metrics?.bops),
      medianMs: diff(row.latency?.medianMs, ref.latency?.medianMs),
    };
  }
  if (device && rows.some((r) => r.latency === null)) warnings.push(`Some configurations have no latency measured on ${device.name}.`);

  const groupIds = [...new Set(picks.flatMap(({ config }) => Object.keys(config.config.groups)))].sort();
  const groups = groupIds.map((group) => {
    const bits = picks.map(({ config }) => {
      const pair = config.config.groups[group];
      return pair ? formatBitPair(pair) : 'FP32';
    });
    return { group, bits, differs: bits.some((b) => b !== bits[0]) };
  });

  return {
    model: { name: model?.name ?? '', sha256: model?.sha256 ?? '' },
    dataset: dataset ? { name: dataset.name, sha256: dataset.sha256 } : null,
    device: device ? { name: device.name } : null,
    rows,
    groups,
    warnings,
  };
}
