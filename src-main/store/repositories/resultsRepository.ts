/**
 * Configurations, evaluations and latency measurements: the results of runs. Configurations are
 * interned per model by their stable hash, so the same bit-widths found by two runs are one row and
 * can be compared across runs. Each evaluation or measurement is one small insert, committed as soon
 * as it is finished; the (run, key) uniqueness is what makes a resumed run skip finished work and
 * makes a run that computed something twice fail loudly instead of storing it twice.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { EvaluationMetrics, MeasurementSummary, QuantConfig, StoredConfiguration, StoredEvaluation, StoredMeasurement } from '../../api/index.js';
import { canonicalConfigJson, configHash } from '../configHash.js';
import { decodeJson, encodeJson, finiteOrNull } from '../jsonCodec.js';
import { blobToSamples, samplesToBlob } from '../samplesBlob.js';

export interface EvaluationInput {
  runId: number;
  configurationId: number;
  key: string;
  metrics: EvaluationMetrics;
  /** The engine's record, kept verbatim so a resumed search gets back exactly what it produced. */
  record: unknown;
  createdAt?: string;
}

export interface MeasurementInput {
  runId: number;
  configurationId: number | null;
  deviceId: number;
  key: string;
  runtime: string;
  summary: MeasurementSummary;
  samples: ArrayLike<number>;
  deviceState?: unknown;
  createdAt?: string;
}

export class ResultsRepository {
  private readonly internStmt: Statement;
  private readonly configByIdStmt: Statement;
  private readonly configsForRunStmt: Statement;
  private readonly insertEvalStmt: Statement;
  private readonly evalsForRunStmt: Statement;
  private readonly countEvalsStmt: Statement;
  private readonly costsStmt: Statement;
  private readonly insertMeasureStmt: Statement;
  private readonly measuresForRunStmt: Statement;
  private readonly samplesStmt: Statement;

  constructor(db: Database) {
    this.internStmt = db.prepare(
      `INSERT INTO configurations (model_id, hash, label, config_json, created_at) VALUES (@modelId, @hash, @label, @json, @now)
       ON CONFLICT (model_id, hash) DO UPDATE SET label = COALESCE(label, excluded.label)
       RETURNING id`,
    );
    this.configByIdStmt = db.prepare('SELECT id, hash, label, config_json FROM configurations WHERE id = ?');
    this.configsForRunStmt = db.prepare(
      `SELECT id, hash, label, config_json FROM configurations WHERE id IN (
         SELECT configuration_id FROM evaluations WHERE run_id = @runId
         UNION SELECT configuration_id FROM measurements WHERE run_id = @runId AND configuration_id IS NOT NULL
         UNION SELECT chosen_configuration_id FROM runs WHERE id = @runId)
       ORDER BY id`,
    );
    this.insertEvalStmt = db.prepare(
      `INSERT INTO evaluations (run_id, configuration_id, eval_key, split, samples, accuracy, sqnr_db, cost, bops, size_bytes, record_json, created_at)
       VALUES (@runId, @configurationId, @key, @split, @samples, @accuracy, @sqnrDb, @cost, @bops, @sizeBytes, @record, @createdAt)`,
    );
    this.evalsForRunStmt = db.prepare(
      `SELECT e.*, c.hash AS config_hash FROM evaluations e JOIN configurations c ON c.id = e.configuration_id WHERE e.run_id = ? ORDER BY e.id`,
    );
    this.countEvalsStmt = db.prepare('SELECT count(*) AS n FROM evaluations WHERE run_id = ?');
    this.costsStmt = db.prepare(
      `UPDATE evaluations SET cost = COALESCE(@cost, cost), bops = COALESCE(@bops, bops), size_bytes = COALESCE(@sizeBytes, size_bytes)
       WHERE run_id = @runId AND configuration_id = @configurationId`,
    );
    this.insertMeasureStmt = db.prepare(
      `INSERT INTO measurements (run_id, configuration_id, device_id, measure_key, runtime, warmup, iterations, min_ms, median_ms, mean_ms, p90_ms, p99_ms, cv, unstable, samples, device_state_json, created_at)
       VALUES (@runId, @configurationId, @deviceId, @key, @runtime, @warmup, @iterations, @minMs, @medianMs, @meanMs, @p90Ms, @p99Ms, @cv, @unstable, @samples, @deviceState, @createdAt)`,
    );
    this.measuresForRunStmt = db.prepare(
      `SELECT m.id, m.run_id, m.configuration_id, c.hash AS config_hash, d.name AS device_name, m.runtime, m.measure_key, m.warmup, m.iterations,
         m.min_ms, m.median_ms, m.mean_ms, m.p90_ms, m.p99_ms, m.cv, m.unstable, length(m.samples) / 8 AS sample_count, m.device_state_json, m.created_at
       FROM measurements m JOIN devices d ON d.id = m.device_id LEFT JOIN configurations c ON c.id = m.configuration_id
       WHERE m.run_id = ? ORDER BY m.id`,
    );
    this.samplesStmt = db.prepare('SELECT samples FROM measurements WHERE id = ?');
  }

  /** Stores a configuration for a model once (by its stable hash); returns its id and hash. */
  internConfiguration(modelId: number, config: QuantConfig, label?: string | null): { id: number; hash: string } {
    const hash = configHash(config);
    const row = this.internStmt.get({ modelId, hash, label: label ?? null, json: canonicalConfigJson(config), now: new Date().toISOString() }) as { id: number };
    return { id: row.id, hash };
  }

  configuration(id: number): StoredConfiguration | null {
    const row = this.configByIdStmt.get(id) as ConfigRow | undefined;
    return row ? toConfiguration(row) : null;
  }

  /** Every configuration a run evaluated, measured or chose. */
  configurationsForRun(runId: number): StoredConfiguration[] {
    return (this.configsForRunStmt.all({ runId }) as ConfigRow[]).map(toConfiguration);
  }

  /** Inserts one finished evaluation (its own statement, so it commits on its own). */
  insertEvaluation(input: EvaluationInput): number {
    const m = input.metrics;
    const info = this.insertEvalStmt.run({
      runId: input.runId,
      configurationId: input.configurationId,
      key: input.key,
      split: m.split,
      samples: m.samples,
      accuracy: m.accuracy,
      sqnrDb: m.sqnrDb,
      cost: m.cost,
      bops: m.bops,
      sizeBytes: m.sizeBytes,
      record: encodeJson(input.record),
      createdAt: input.createdAt ?? new Date().toISOString(),
    });
    return Number(info.lastInsertRowid);
  }

  /**
   * Adds the cost figures a search computes after the fact (its cost models price a configuration
   * without evaluating it) to every evaluation of that configuration in the run.
   */
  annotateCosts(runId: number, configurationId: number, costs: { cost?: number | null; bops?: number | null; sizeBytes?: number | null }): void {
    this.costsStmt.run({ runId, configurationId, cost: costs.cost ?? null, bops: costs.bops ?? null, sizeBytes: costs.sizeBytes ?? null });
  }

  evaluationsForRun(runId: number): StoredEvaluation[] {
    return (this.evalsForRunStmt.all(runId) as EvalRow[]).map((r) => ({
      id: r.id,
      runId: r.run_id,
      configurationId: r.configuration_id,
      configHash: r.config_hash,
      key: r.eval_key,
      split: r.split,
      samples: r.samples,
      accuracy: finiteOrNull(r.accuracy),
      sqnrDb: finiteOrNull(r.sqnr_db),
      cost: finiteOrNull(r.cost),
      bops: r.bops,
      sizeBytes: r.size_bytes,
      record: decodeJson(r.record_json),
      createdAt: r.created_at,
    }));
  }

  countEvaluations(runId: number): number {
    return (this.countEvalsStmt.get(runId) as { n: number }).n;
  }

  /** Inserts one finished latency measurement with its raw samples. */
  insertMeasurement(input: MeasurementInput): number {
    const s = input.summary;
    const info = this.insertMeasureStmt.run({
      runId: input.runId,
      configurationId: input.configurationId,
      deviceId: input.deviceId,
      key: input.key,
      runtime: input.runtime,
      warmup: s.warmup,
      iterations: s.iterations,
      minMs: s.minMs,
      medianMs: s.medianMs,
      meanMs: s.meanMs,
      p90Ms: s.p90Ms,
      p99Ms: s.p99Ms,
      cv: s.cv,
      unstable: s.unstable ? 1 : 0,
      samples: samplesToBlob(input.samples),
      deviceState: input.deviceState === undefined ? null : JSON.stringify(input.deviceState),
      createdAt: input.createdAt ?? new Date().toISOString(),
    });
    return Number(info.lastInsertRowid);
  }

  /** A run's measurements without their raw samples (read those with measurementSamples). */
  measurementsForRun(runId: number): StoredMeasurement[] {
    return (this.measuresForRunStmt.all(runId) as MeasureRow[]).map((r) => ({
      id: r.id,
      runId: r.run_id,
      configurationId: r.configuration_id,
      configHash: r.config_hash,
      deviceName: r.device_name,
      runtime: r.runtime,
      key: r.measure_key,
      warmup: r.warmup,
      iterations: r.iterations,
      minMs: r.min_ms,
      medianMs: r.median_ms,
      meanMs: r.mean_ms,
      p90Ms: r.p90_ms,
      p99Ms: r.p99_ms,
      cv: r.cv,
      unstable: r.unstable === 1,
      sampleCount: r.sample_count ?? 0,
      deviceState: r.device_state_json === null ? null : JSON.parse(r.device_state_json),
      createdAt: r.created_at,
    }));
  }

  measurementSamples(measurementId: number): Float64Array {
    const row = this.samplesStmt.get(measurementId) as { samples: Buffer | null } | undefined;
    return row?.samples ? blobToSamples(row.samples) : new Float64Array(0);
  }
}

interface ConfigRow {
  id: number;
  hash: string;
  label: string | null;
  config_json: string;
}

function toConfiguration(row: ConfigRow): StoredConfiguration {
  return { id: row.id, hash: row.hash, label: row.label, config: JSON.parse(row.config_json) as QuantConfig };
}

interface EvalRow {
  id: number;
  run_id: number;
  configuration_id: number;
  config_hash: string;
  eval_key: string;
  split: string | null;
  samples: number | null;
  accuracy: number | null;
  sqnr_db: number | null;
  cost: number | null;
  bops: number | null;
  size_bytes: number | null;
  record_json: string;
  created_at: string;
}

interface MeasureRow {
  id: number;
  run_id: number;
  configuration_id: number | null;
  config_hash: string | null;
  device_name: string;
  runtime: string;
  measure_key: string;
  warmup: number;
  iterations: number;
  min_ms: number;
  median_ms: number;
  mean_ms: number;
  p90_ms: number;
  p99_ms: number;
  cv: number;
  unstable: number;
  sample_count: number | null;
  device_state_json: string | null;
  created_at: string;
}
