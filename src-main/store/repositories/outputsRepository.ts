/**
 * What runs produce for use outside Bitbench: exported deployable models (artifacts, by content
 * hash, so a model uploaded or built once is found again) and the reports written about runs.
 */
import type { Database, Statement } from 'better-sqlite3';

export interface ArtifactInput {
  sha256: string;
  kind: string;
  path: string;
  sizeBytes: number;
  modelId?: number | null;
  configurationId?: number | null;
  runtime?: string | null;
  flags?: unknown;
}

export interface ArtifactRecord extends Required<Omit<ArtifactInput, 'flags'>> {
  id: number;
  flags: unknown;
  createdAt: string;
}

export interface ReportInput {
  runId: number | null;
  format: 'html' | 'pdf' | 'csv' | 'json';
  path: string;
  title: string;
}

export class OutputsRepository {
  private readonly upsertArtifactStmt: Statement;
  private readonly artifactByShaStmt: Statement;
  private readonly addReportStmt: Statement;
  private readonly reportsForRunStmt: Statement;

  constructor(db: Database) {
    this.upsertArtifactStmt = db.prepare(
      `INSERT INTO artifacts (sha256, kind, path, size_bytes, model_id, configuration_id, runtime, flags_json, created_at)
       VALUES (@sha256, @kind, @path, @sizeBytes, @modelId, @configurationId, @runtime, @flags, @now)
       ON CONFLICT (sha256) DO UPDATE SET path = excluded.path
       RETURNING id`,
    );
    this.artifactByShaStmt = db.prepare('SELECT * FROM artifacts WHERE sha256 = ?');
    this.addReportStmt = db.prepare('INSERT INTO reports (run_id, format, path, title, created_at) VALUES (?, ?, ?, ?, ?)');
    this.reportsForRunStmt = db.prepare('SELECT id, run_id AS runId, format, path, title, created_at AS createdAt FROM reports WHERE run_id = ? ORDER BY id');
  }

  /** Records an exported model by content hash (the same bytes exported twice are one artifact). */
  upsertArtifact(artifact: ArtifactInput): number {
    const row = this.upsertArtifactStmt.get({
      sha256: artifact.sha256,
      kind: artifact.kind,
      path: artifact.path,
      sizeBytes: artifact.sizeBytes,
      modelId: artifact.modelId ?? null,
      configurationId: artifact.configurationId ?? null,
      runtime: artifact.runtime ?? null,
      flags: artifact.flags === undefined ? null : JSON.stringify(artifact.flags),
      now: new Date().toISOString(),
    }) as { id: number };
    return row.id;
  }

  artifactBySha(sha256: string): ArtifactRecord | null {
    const r = this.artifactByShaStmt.get(sha256) as Record<string, unknown> | undefined;
    if (!r) return null;
    return {
      id: r.id as number,
      sha256: r.sha256 as string,
      kind: r.kind as string,
      path: r.path as string,
      sizeBytes: r.size_bytes as number,
      modelId: r.model_id as number | null,
      configurationId: r.configuration_id as number | null,
      runtime: r.runtime as string | null,
      flags: r.flags_json === null ? null : JSON.parse(r.flags_json as string),
      createdAt: r.created_at as string,
    };
  }

  addReport(report: ReportInput): number {
    return Number(this.addReportStmt.run(report.runId, report.format, report.path, report.title, new Date().toISOString()).lastInsertRowid);
  }

  reportsForRun(runId: number): Array<ReportInput & { id: number; createdAt: string }> {
    return this.reportsForRunStmt.all(runId) as Array<ReportInput & { id: number; createdAt: string }>;
  }
}
