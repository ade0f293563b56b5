/**
 * The history: one open database and its repositories. Everything above the store talks to this
 * object; it hides SQL and better-sqlite3 and hands out plain data (api/history.ts).
 */
import type { Database } from 'better-sqlite3';
import type { RunDetail } from '../api/index.js';
import { openDatabase, storeError, type OpenDatabaseOptions } from './openDatabase.js';
import { CatalogRepository } from './repositories/catalogRepository.js';
import { OutputsRepository } from './repositories/outputsRepository.js';
import { ResultsRepository } from './repositories/resultsRepository.js';
import { RunsRepository } from './repositories/runsRepository.js';

export class HistoryStore {
  readonly catalog: CatalogRepository;
  readonly runs: RunsRepository;
  readonly results: ResultsRepository;
  readonly outputs: OutputsRepository;

  constructor(
    readonly db: Database,
    readonly path: string,
  ) {
    this.catalog = new CatalogRepository(db);
    this.runs = new RunsRepository(db);
    this.results = new ResultsRepository(db);
    this.outputs = new OutputsRepository(db);
  }

  /**
   * Runs `work` in one transaction (all of it is stored, or none of it). IMMEDIATE takes the write
   * lock up front, so a second process (web mode beside the CLI) waits for the busy timeout instead
   * of failing when a read-then-write transaction would have to upgrade its lock.
   */
  transaction<T>(work: () => T): T {
    try {
      return this.db.transaction(work).immediate();
    } catch (error) {
      // SQLite failures become typed store errors; anything else (a user error thrown by `work`) passes through.
      const code = (error as { code?: unknown }).code;
      throw typeof code === 'string' && code.startsWith('SQLITE_') ? storeError(this.path, error) : error;
    }
  }

  /** Everything about one run, or null when there is no such run. */
  runDetail(runId: number): RunDetail | null {
    const run = this.runs.get(runId);
    if (!run) return null;
    const model = this.catalog.model(run.modelId);
    const dataset = run.datasetId === null ? null : this.catalog.dataset(run.datasetId);
    const device = run.deviceId === null ? null : this.catalog.device(run.deviceId);
    return {
      id: run.id,
      kind: run.kind,
      status: run.status,
      title: run.title,
      method: run.method,
      modelName: model?.name ?? '',
      deviceName: device?.name ?? '',
      createdAt: run.createdAt,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      model: { name: model?.name ?? '', sha256: model?.sha256 ?? '' },
      dataset: dataset ? { name: dataset.name, sha256: dataset.sha256 } : null,
      device: device ? { name: device.name, kind: device.kind, host: device.host } : null,
      settings: run.settings,
      versions: run.versions,
      deviceState: run.deviceState,
      result: run.result,
      error: run.error,
      progress: run.progress,
      chosenConfigurationId: run.chosenConfigurationId,
      configurations: this.results.configurationsForRun(runId),
      evaluations: this.results.evaluationsForRun(runId),
      measurements: this.results.measurementsForRun(runId),
    };
  }

  /** A full consistency check of the file (slow on large databases; tests and `doctor` use it). */
  integrityCheck(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Opens the history database at `path` (created and migrated as needed). */
export function openHistoryStore(path: string, options?: OpenDatabaseOptions): HistoryStore {
  return new HistoryStore(openDatabase(path, options), path);
}
