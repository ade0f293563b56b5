/**
 * A database left by an older release (schema version 1, built by running only the v1 migration
 * and filled the way that release wrote rows) is opened by this build, migrated in place, and every
 * row survives and works with the new features (resumable runs, artifacts, reports).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION, openHistoryStore } from '../../src-main/store/index.js';
import { openDatabase } from '../../src-main/store/openDatabase.js';
import { tempDir } from './fixtures.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

/** Writes a v1 database with rows inserted by plain SQL, as the v1 release did. */
function makeV1Database(path: string): void {
  const db = openDatabase(path, { targetVersion: 1 });
  expect(db.pragma('user_version', { simple: true })).toBe(1);
  expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'artifacts'").get()).toEqual({ n: 0 });
  const t = '2025-01-02T03:04:05.000Z';
  db.exec(`
    INSERT INTO models (id, sha256, name, created_at) VALUES (1, '${'1'.repeat(64)}', 'resnet8.onnx', '${t}');
    INSERT INTO datasets (id, sha256, name, samples, labeled, created_at) VALUES (1, '${'2'.repeat(64)}', 'val', 500, 1, '${t}');
    INSERT INTO devices (id, name, kind, created_at) VALUES (1, 'this computer', 'local', '${t}');
    INSERT INTO runs (id, kind, status, title, method, model_id, dataset_id, device_id, settings_json, versions_json, created_at, started_at, finished_at)
      VALUES (1, 'search', 'done', 'old search', 'pareto', 1, 1, 1, '{"candidates":["W8A8"]}', '{"app":"0.0.9"}', '${t}', '${t}', '${t}'),
             (2, 'search', 'running', 'interrupted search', 'pareto', 1, 1, 1, '{}', '{"app":"0.0.9"}', '${t}', '${t}', NULL);
    INSERT INTO configurations (id, model_id, hash, config_json, created_at) VALUES (1, 1, 'h1', '{"groups":{"g":{"w":8,"a":8}}}', '${t}');
    INSERT INTO evaluations (run_id, configuration_id, eval_key, split, accuracy, sqnr_db, record_json, created_at) VALUES (1, 1, 'k1', 'validation', 0.8, 25.5, '{}', '${t}');
    INSERT INTO measurements (run_id, configuration_id, device_id, measure_key, runtime, warmup, iterations, min_ms, median_ms, mean_ms, p90_ms, p99_ms, cv, samples, created_at)
      VALUES (1, 1, 1, 'm1', 'onnxruntime-node', 2, 3, 1, 2, 2, 3, 3, 0.1, X'000000000000F03F', '${t}');
  `);
  db.close();
}

describe('schema migration', () => {
  it('opens a version-1 database, migrates it in place and keeps every row', () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const path = join(tmp.dir, 'old.sqlite');
    makeV1Database(path);

    const store = openHistoryStore(path);
    cleanups.unshift(() => store.close());
    expect(store.db.pragma('user_version', { simple: true })).toBe(CURRENT_SCHEMA_VERSION);
    expect(store.integrityCheck()).toBe('ok');
    expect(store.db.pragma('foreign_key_check')).toEqual([]);

    const runs = store.runs.list();
    expect(runs.map((r) => [r.id, r.status, r.modelName, r.deviceName])).toEqual([
      [2, 'running', 'resnet8.onnx', 'this computer'],
      [1, 'done', 'resnet8.onnx', 'this computer'],
    ]);
    const detail = store.runDetail(1)!;
    expect(detail.evaluations[0]).toMatchObject({ key: 'k1', accuracy: 0.8, sqnrDb: 25.5 });
    expect(Array.from(store.results.measurementSamples(detail.measurements[0].id))).toEqual([1]);
    // Columns added by v2 are filled sensibly for old rows and usable at once.
    expect(store.db.prepare('SELECT updated_at FROM runs WHERE id = 1').get()).toEqual({ updated_at: '2025-01-02T03:04:05.000Z' });
    store.runs.claim(2, process.pid);
    store.runs.finish(2, 'paused');
    expect(store.runs.get(2)).toMatchObject({ status: 'paused', ownerPid: null });
    store.outputs.upsertArtifact({ sha256: '3'.repeat(64), kind: 'qdq-onnx', path: '/tmp/x.onnx', sizeBytes: 10, configurationId: 1 });
    expect(store.outputs.artifactBySha('3'.repeat(64))?.configurationId).toBe(1);
  });

  it('does not run a migration twice when reopened', () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const path = join(tmp.dir, 'old.sqlite');
    makeV1Database(path);
    openHistoryStore(path).close();
    const store = openHistoryStore(path);
    expect(store.runs.list()).toHaveLength(2);
    store.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(CURRENT_SCHEMA_VERSION);
    raw.close();
  });
});
