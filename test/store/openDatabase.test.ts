/**
 * Opening the history file: corrupt and foreign files are refused with STORE_CORRUPT and left
 * byte-for-byte untouched; a database from a newer Bitbench is refused with STORE_TOO_NEW.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION, openHistoryStore } from '../../src-main/store/index.js';
import { tempDir } from './fixtures.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function dbPath(): string {
  const tmp = tempDir();
  cleanups.push(tmp.remove);
  return join(tmp.dir, 'bitbench.sqlite');
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function expectRefusedUntouched(path: string, code: string, message: RegExp): void {
  const before = sha(path);
  let caught: unknown;
  try {
    openHistoryStore(path).close();
  } catch (error) {
    caught = error;
  }
  expect(caught).toMatchObject({ code });
  expect((caught as Error).message).toMatch(message);
  expect((caught as { hint?: string }).hint).toBeTruthy();
  expect(sha(path)).toBe(before);
}

describe('opening the history database', () => {
  it('creates a new database in an empty home and reopens it', () => {
    const path = dbPath();
    const store = openHistoryStore(path);
    store.catalog.upsertModel({ sha256: 'f'.repeat(64), name: 'm.onnx' });
    store.close();
    const again = openHistoryStore(path);
    expect(again.catalog.modelBySha('f'.repeat(64))?.name).toBe('m.onnx');
    expect(again.db.pragma('user_version', { simple: true })).toBe(CURRENT_SCHEMA_VERSION);
    again.close();
  });

  it('refuses a text file without touching it', () => {
    const path = dbPath();
    writeFileSync(path, 'these are my lab notes, not a database\n'.repeat(20));
    expectRefusedUntouched(path, 'STORE_CORRUPT', /not a SQLite database/);
  });

  it('refuses a random binary without touching it', () => {
    const path = dbPath();
    writeFileSync(path, randomBytes(64 * 1024));
    expectRefusedUntouched(path, 'STORE_CORRUPT', /not a SQLite database/);
  });

  it('refuses a SQLite database of another application without touching it', () => {
    const path = dbPath();
    const other = new Database(path);
    other.exec("CREATE TABLE contacts (name TEXT, phone TEXT); INSERT INTO contacts VALUES ('Ada', '123');");
    other.close();
    expectRefusedUntouched(path, 'STORE_CORRUPT', /another application/);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('refuses a SQLite file whose pages are damaged without touching it', () => {
    const path = dbPath();
    const store = openHistoryStore(path);
    store.db.pragma('journal_mode = DELETE');
    store.close();
    const bytes = readFileSync(path);
    // Keep the 100-byte header (so it still looks like SQLite) and scribble over the schema page.
    randomBytes(bytes.length - 100).copy(bytes, 100);
    writeFileSync(path, bytes);
    expectRefusedUntouched(path, 'STORE_CORRUPT', /SQLite says/);
  });

  it('says so when a folder is where the database should be', () => {
    const path = dbPath();
    mkdirSync(path);
    expect(() => openHistoryStore(path)).toThrow(expect.objectContaining({ code: 'STORE_ERROR', message: expect.stringContaining(path) }));
  });

  it('refuses a database made by a newer Bitbench', () => {
    const path = dbPath();
    openHistoryStore(path).close();
    const newer = new Database(path);
    newer.pragma(`user_version = ${CURRENT_SCHEMA_VERSION + 1}`);
    newer.pragma('journal_mode = DELETE');
    newer.close();
    expectRefusedUntouched(path, 'STORE_TOO_NEW', /newer Bitbench/);
  });
});
