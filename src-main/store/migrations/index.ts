/**
 * The ordered list of schema versions and the step that brings a database up to date. The schema
 * version lives in SQLite's `user_version`; each step runs in its own transaction together with the
 * version bump, so a crash mid-migration leaves the previous version intact.
 */
import type { Database } from 'better-sqlite3';
import { v1Initial } from './v1Initial.js';
import { v2JobsArtifacts } from './v2JobsArtifacts.js';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/** Every schema version in order; the last one is what this build of Bitbench writes. */
export const migrations: readonly Migration[] = [
  { version: 1, description: 'models, datasets, devices, runs, configurations, evaluations, measurements', sql: v1Initial },
  { version: 2, description: 'resumable jobs, artifacts, reports', sql: v2JobsArtifacts },
];

/** The schema version this build creates and understands. */
export const CURRENT_SCHEMA_VERSION = migrations[migrations.length - 1].version;

/** Marks a SQLite file as Bitbench's ("BBCH"), so a database of another app is recognised as foreign. */
export const BITBENCH_APPLICATION_ID = 0x42424348;

/** Reads the schema version of an open database. */
export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies every migration above the database's version, up to `target` (the current version by
 * default; tests pass a lower one to build a database as an older release left it).
 */
export function migrate(db: Database, target: number = CURRENT_SCHEMA_VERSION): number[] {
  const applied: number[] = [];
  for (const step of migrations) {
    if (step.version > target || step.version <= schemaVersion(db)) continue;
    db.transaction(() => {
      db.exec(step.sql);
      if (step.version === 1) db.pragma(`application_id = ${BITBENCH_APPLICATION_ID}`);
      db.pragma(`user_version = ${step.version}`);
    })();
    applied.push(step.version);
  }
  return applied;
}
