/**
 * Two processes on one history (web mode beside the CLI): while another process holds the write
 * lock, a transaction that reads and then writes waits for it (busy timeout) and then succeeds,
 * instead of failing with SQLITE_BUSY on a stale snapshot.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openHistoryStore } from '../../src-main/store/index.js';
import { tempDir } from './fixtures.js';

const ROOT = resolve(__dirname, '..', '..');
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

const HOLD_LOCK = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.pragma('busy_timeout = 5000');
db.exec('BEGIN IMMEDIATE');
db.prepare("INSERT INTO models (sha256, name, created_at) VALUES ('held', 'written by the other process', 'now')").run();
process.stdout.write('locked\\n');
setTimeout(() => { db.exec('COMMIT'); db.close(); }, 400);
`;

describe('two processes on one history', () => {
  it('waits for the other writer instead of failing', async () => {
    const tmp = tempDir('bb-concurrency-');
    cleanups.push(tmp.remove);
    const path = join(tmp.dir, 'bitbench.sqlite');
    const store = openHistoryStore(path);
    cleanups.unshift(() => store.close());

    const child = spawn(process.execPath, ['-e', HOLD_LOCK, path], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((done) => child.once('exit', done));
    await new Promise<void>((ready) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && ready()));

    const started = Date.now();
    const id = store.transaction(() => {
      const before = store.runs.list().length; // a read first: the case a deferred transaction gets wrong
      return store.catalog.upsertModel({ sha256: `mine-${before}`, name: 'written here' });
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(id).toBeGreaterThan(0);
    await exited;
    expect(store.catalog.modelBySha('held')?.name).toBe('written by the other process');
    expect(store.catalog.modelBySha('mine-0')?.name).toBe('written here');
  });
});
