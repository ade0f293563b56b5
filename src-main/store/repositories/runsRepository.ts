/**
 * Runs: one search, benchmark or evaluation with every setting and version it ran with, its status
 * through the job lifecycle (queued -> running -> paused/done/failed/cancelled) and which process
 * owns it while it runs, so a crashed run can be told apart from one still running elsewhere.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { RunSummary } from '../../api/index.js';
import { decodeJson, encodeJson } from '../jsonCodec.js';

export type RunKind = RunSummary['kind'];
export type RunStatus = RunSummary['status'];

export interface RunInput {
  kind: RunKind;
  title: string;
  method?: string | null;
  modelId: number;
  datasetId?: number | null;
  deviceId?: number | null;
  settings: Record<string, unknown>;
  versions: Record<string, string>;
  deviceState?: unknown;
  /** Imported runs keep their original times. */
  createdAt?: string;
}

export interface RunProgress {
  phase: string;
  done: number;
  total: number;
}

/** A run row as stored, with JSON columns parsed. */
export interface RunRecord {
  id: number;
  kind: RunKind;
  status: RunStatus;
  title: string;
  method: string | null;
  modelId: number;
  datasetId: number | null;
  deviceId: number | null;
  settings: Record<string, unknown>;
  versions: Record<string, string>;
  deviceState: unknown;
  result: unknown;
  error: { code: string; message: string; hint?: string } | null;
  progress: RunProgress | null;
  ownerPid: number | null;
  chosenConfigurationId: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RunListFilter {
  limit?: number;
  /** Model name or full content hash. */
  model?: string;
  /** Device name. */
  device?: string;
}

const SUMMARY_COLUMNS = `r.id, r.kind, r.status, r.title, r.method, r.created_at AS createdAt, r.finished_at AS finishedAt,
  m.name AS modelName, COALESCE(d.name, '') AS deviceName`;
const SUMMARY_FROM = 'FROM runs r JOIN models m ON m.id = r.model_id LEFT JOIN devices d ON d.id = r.device_id';
const ORDER = 'ORDER BY r.created_at DESC, r.id DESC LIMIT @limit';
const BY_MODEL = 'r.model_id IN (SELECT id FROM models WHERE name = @model UNION SELECT id FROM models WHERE sha256 = @model)';
const BY_DEVICE = 'r.device_id = (SELECT id FROM devices WHERE name = @device)';

/** The history list queries (exported so a test can check their query plans). */
export const RUN_LIST_SQL = {
  all: `SELECT ${SUMMARY_COLUMNS} ${SUMMARY_FROM} ${ORDER}`,
  model: `SELECT ${SUMMARY_COLUMNS} ${SUMMARY_FROM} WHERE ${BY_MODEL} ${ORDER}`,
  device: `SELECT ${SUMMARY_COLUMNS} ${SUMMARY_FROM} WHERE ${BY_DEVICE} ${ORDER}`,
  both: `SELECT ${SUMMARY_COLUMNS} ${SUMMARY_FROM} WHERE ${BY_MODEL} AND ${BY_DEVICE} ${ORDER}`,
} as const;

export class RunsRepository {
  private readonly insertStmt: Statement;
  private readonly getStmt: Statement;
  private readonly listStmts: Record<'all' | 'model' | 'device' | 'both', Statement>;
  private readonly claimStmt: Statement;
  private readonly progressStmt: Statement;
  private readonly finishStmt: Statement;
  private readonly statusStmt: Statement;
  private readonly timesStmt: Statement;
  private readonly runningStmt: Statement;

  constructor(db: Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO runs (kind, status, title, method, model_id, dataset_id, device_id, settings_json, versions_json, device_state_json, created_at, updated_at)
       VALUES (@kind, 'queued', @title, @method, @modelId, @datasetId, @deviceId, @settings, @versions, @deviceState, @createdAt, @createdAt)`,
    );
    this.getStmt = db.prepare('SELECT * FROM runs WHERE id = ?');
    this.listStmts = {
      all: db.prepare(RUN_LIST_SQL.all),
      model: db.prepare(RUN_LIST_SQL.model),
      device: db.prepare(RUN_LIST_SQL.device),
      both: db.prepare(RUN_LIST_SQL.both),
    };
    this.claimStmt = db.prepare(
      `UPDATE runs SET status = 'running', owner_pid = @pid, started_at = COALESCE(started_at, @now), finished_at = NULL, error_json = NULL, updated_at = @now
       WHERE id = @id`,
    );
    this.progressStmt = db.prepare('UPDATE runs SET progress_json = ?, updated_at = ? WHERE id = ?');
    this.finishStmt = db.prepare(
      `UPDATE runs SET status = @status, owner_pid = NULL, result_json = COALESCE(@result, result_json), error_json = @error,
         chosen_configuration_id = COALESCE(@chosen, chosen_configuration_id), finished_at = @finishedAt, updated_at = @now
       WHERE id = @id`,
    );
    this.statusStmt = db.prepare('UPDATE runs SET status = ?, updated_at = ? WHERE id = ?');
    this.timesStmt = db.prepare('UPDATE runs SET started_at = ?, finished_at = ? WHERE id = ?');
    this.runningStmt = db.prepare("SELECT id, owner_pid AS ownerPid FROM runs WHERE status = 'running'");
  }

  /** Creates a queued run; returns its id. */
  create(run: RunInput): number {
    const info = this.insertStmt.run({
      kind: run.kind,
      title: run.title,
      method: run.method ?? null,
      modelId: run.modelId,
      datasetId: run.datasetId ?? null,
      deviceId: run.deviceId ?? null,
      settings: JSON.stringify(run.settings),
      versions: JSON.stringify(run.versions),
      deviceState: run.deviceState === undefined ? null : JSON.stringify(run.deviceState),
      createdAt: run.createdAt ?? new Date().toISOString(),
    });
    return Number(info.lastInsertRowid);
  }

  get(id: number): RunRecord | null {
    const row = this.getStmt.get(id) as RunRow | undefined;
    return row ? toRecord(row) : null;
  }

  /** Recent runs first, optionally for one model and/or one device. */
  list(filter: RunListFilter = {}): RunSummary[] {
    const key = filter.model && filter.device ? 'both' : filter.model ? 'model' : filter.device ? 'device' : 'all';
    return this.listStmts[key].all({ limit: filter.limit ?? 50, model: filter.model ?? null, device: filter.device ?? null }) as RunSummary[];
  }

  /** Marks a run as running in process `pid` (a start or a resume). */
  claim(id: number, pid: number): void {
    this.claimStmt.run({ id, pid, now: new Date().toISOString() });
  }

  saveProgress(id: number, progress: RunProgress): void {
    this.progressStmt.run(JSON.stringify(progress), new Date().toISOString(), id);
  }

  /** Ends (or pauses) a run; paused runs keep no finish time because they are not finished. */
  finish(
    id: number,
    status: Exclude<RunStatus, 'queued' | 'running'>,
    outcome: { result?: unknown; error?: { code: string; message: string; hint?: string }; chosenConfigurationId?: number } = {},
  ): void {
    const now = new Date().toISOString();
    this.finishStmt.run({
      id,
      status,
      result: outcome.result === undefined ? null : encodeJson(outcome.result),
      error: outcome.error === undefined ? null : JSON.stringify(outcome.error),
      chosen: outcome.chosenConfigurationId ?? null,
      finishedAt: status === 'paused' ? null : now,
      now,
    });
  }

  setStatus(id: number, status: RunStatus): void {
    this.statusStmt.run(status, new Date().toISOString(), id);
  }

  /** Runs marked running, with the process that claimed them. */
  running(): Array<{ id: number; ownerPid: number | null }> {
    return this.runningStmt.all() as Array<{ id: number; ownerPid: number | null }>;
  }

  /** Restores the original start and finish times of an imported run. */
  setTimes(id: number, startedAt: string | null, finishedAt: string | null): void {
    this.timesStmt.run(startedAt, finishedAt, id);
  }
}

interface RunRow {
  id: number;
  kind: RunKind;
  status: RunStatus;
  title: string;
  method: string | null;
  model_id: number;
  dataset_id: number | null;
  device_id: number | null;
  settings_json: string;
  versions_json: string;
  device_state_json: string | null;
  result_json: string | null;
  error_json: string | null;
  progress_json: string | null;
  owner_pid: number | null;
  chosen_configuration_id: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

const parse = (text: string | null): unknown => (text === null ? null : decodeJson(text));

function toRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    title: row.title,
    method: row.method,
    modelId: row.model_id,
    datasetId: row.dataset_id,
    deviceId: row.device_id,
    settings: JSON.parse(row.settings_json) as Record<string, unknown>,
    versions: JSON.parse(row.versions_json) as Record<string, string>,
    deviceState: parse(row.device_state_json),
    result: parse(row.result_json),
    error: parse(row.error_json) as RunRecord['error'],
    progress: parse(row.progress_json) as RunProgress | null,
    ownerPid: row.owner_pid,
    chosenConfigurationId: row.chosen_configuration_id,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
