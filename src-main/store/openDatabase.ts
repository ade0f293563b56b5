/**
 * Opens (or creates) the Bitbench database file safely. Order matters: a file is first recognised
 * from its header bytes and through a read-only connection, and only a file that is empty or already
 * Bitbench's is opened for writing, switched to WAL and migrated. A text file, a random binary or a
 * SQLite database of another app is refused with STORE_CORRUPT and never written to; a database
 * made by a newer Bitbench is refused with STORE_TOO_NEW.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { BitbenchError } from '../api/index.js';
import { BITBENCH_APPLICATION_ID, CURRENT_SCHEMA_VERSION, migrate } from './migrations/index.js';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const HEADER_BYTES = 100;

/** How long a writer waits for another process's transaction before giving up (ms). */
export const BUSY_TIMEOUT_MS = 5000;

export interface OpenDatabaseOptions {
  /** Migrate only up to this version (tests build older databases with it). */
  targetVersion?: number;
}

/** Opens the database at `path`, creating and migrating it as needed. */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Database.Database {
  try {
    const isNew = !existsSync(path) || statSync(path).size === 0;
    if (!isNew) {
      checkHeader(path);
      probeReadOnly(path);
    }
  } catch (error) {
    // A folder or an unreadable file in the database's place ends here as STORE_ERROR.
    throw storeError(path, error);
  }
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (error) {
    throw storeError(path, error);
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    // NORMAL is durable for committed transactions in WAL mode except on power loss, which costs at
    // most the last few commits; a process crash (the case we test) loses nothing.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, options.targetVersion);
    return db;
  } catch (error) {
    db.close();
    throw storeError(path, error);
  }
}

/** Rejects files that are not SQLite at all, from their first bytes, before SQLite sees them. */
function checkHeader(path: string): void {
  const header = Buffer.alloc(HEADER_BYTES);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, HEADER_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  if (read < HEADER_BYTES || !header.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) {
    throw corrupt(path, 'it is not a SQLite database (its first bytes are not the SQLite header)');
  }
}

/** Reads identity and version through a read-only connection, so a foreign file is never changed. */
function probeReadOnly(path: string): void {
  let probe: Database.Database | undefined;
  try {
    probe = new Database(path, { readonly: true, fileMustExist: true });
    probe.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const applicationId = probe.pragma('application_id', { simple: true }) as number;
    const version = probe.pragma('user_version', { simple: true }) as number;
    const tables = (probe.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number }).n;
    if (applicationId !== BITBENCH_APPLICATION_ID) {
      if (applicationId !== 0 || tables > 0 || version !== 0) {
        throw corrupt(path, 'it is a SQLite database of another application');
      }
      return;
    }
    if (version > CURRENT_SCHEMA_VERSION) {
      throw new BitbenchError(
        'STORE_TOO_NEW',
        `The database ${path} was made by a newer Bitbench (schema version ${version}; this version understands up to ${CURRENT_SCHEMA_VERSION}).`,
        'Update Bitbench, or use another home folder (--home) with this version.',
      );
    }
  } catch (error) {
    throw storeError(path, error);
  } finally {
    probe?.close();
  }
}

function corrupt(path: string, why: string): BitbenchError {
  return new BitbenchError(
    'STORE_CORRUPT',
    `Cannot use ${path} as the Bitbench database: ${why}. The file was left untouched.`,
    'Move the file away or choose another home folder (--home); Bitbench then creates a new database.',
  );
}

/** Maps SQLite failures to typed errors; corruption becomes STORE_CORRUPT, the rest STORE_ERROR. */
export function storeError(path: string, error: unknown): BitbenchError {
  if (error instanceof BitbenchError) return error;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') return corrupt(path, `SQLite says: ${message}`);
  if (code === 'SQLITE_FULL') {
    return new BitbenchError('DISK_FULL', `The disk holding ${path} is full.`, 'Free some space and try again; finished results are kept.', { cause: error });
  }
  return new BitbenchError('STORE_ERROR', `The database ${path} could not be used: ${message}.`, 'Check that the home folder is writable and not used by a much older Bitbench.', { cause: error });
}
