/**
 * Models, datasets and devices: the things runs refer to. Models and datasets are identified by the
 * SHA-256 of their content (the name is only what the user called them last); devices by name, each
 * with a history of probe snapshots.
 */
import type { Database, Statement } from 'better-sqlite3';
import { ProbeResult, type DeviceRecord } from '../../api/index.js';

export interface ModelInput {
  sha256: string;
  name: string;
  path?: string | null;
  /** ModelInfo or any plain description; stored as JSON. */
  info?: unknown;
}

export interface DatasetInput {
  sha256: string;
  name: string;
  spec?: string | null;
  samples?: number | null;
  labeled?: boolean;
}

export interface DeviceInput {
  name: string;
  kind: 'local' | 'ssh';
  host?: string | null;
  /** The DeviceRecord (host, port, user, auth kind; never a secret); stored as JSON. */
  record?: DeviceRecord | null;
}

export interface ContentRef {
  id: number;
  sha256: string;
  name: string;
}

export interface DeviceRow {
  id: number;
  name: string;
  kind: 'local' | 'ssh';
  host: string | null;
  record: DeviceRecord | null;
}

export class CatalogRepository {
  private readonly upsertModelStmt: Statement;
  private readonly upsertDatasetStmt: Statement;
  private readonly upsertDeviceStmt: Statement;
  private readonly addProbeStmt: Statement;
  private readonly latestProbeStmt: Statement;
  private readonly modelByIdStmt: Statement;
  private readonly datasetByIdStmt: Statement;
  private readonly deviceByIdStmt: Statement;
  private readonly deviceByNameStmt: Statement;
  private readonly modelByShaStmt: Statement;
  private readonly datasetByShaStmt: Statement;

  constructor(db: Database) {
    const now = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";
    this.upsertModelStmt = db.prepare(
      `INSERT INTO models (sha256, name, path, info_json, created_at) VALUES (@sha256, @name, @path, @info, ${now})
       ON CONFLICT (sha256) DO UPDATE SET name = excluded.name, path = COALESCE(excluded.path, path), info_json = COALESCE(excluded.info_json, info_json)
       RETURNING id`,
    );
    this.upsertDatasetStmt = db.prepare(
      `INSERT INTO datasets (sha256, name, spec, samples, labeled, created_at) VALUES (@sha256, @name, @spec, @samples, @labeled, ${now})
       ON CONFLICT (sha256) DO UPDATE SET name = excluded.name, spec = COALESCE(excluded.spec, spec), samples = COALESCE(excluded.samples, samples)
       RETURNING id`,
    );
    this.upsertDeviceStmt = db.prepare(
      `INSERT INTO devices (name, kind, host, record_json, created_at) VALUES (@name, @kind, @host, @record, ${now})
       ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, host = excluded.host, record_json = COALESCE(excluded.record_json, record_json)
       RETURNING id`,
    );
    this.addProbeStmt = db.prepare('INSERT INTO device_probes (device_id, probed_at, probe_json) VALUES (?, ?, ?)');
    this.latestProbeStmt = db.prepare('SELECT probe_json FROM device_probes WHERE device_id = ? ORDER BY probed_at DESC, id DESC LIMIT 1');
    this.modelByIdStmt = db.prepare('SELECT id, sha256, name FROM models WHERE id = ?');
    this.datasetByIdStmt = db.prepare('SELECT id, sha256, name FROM datasets WHERE id = ?');
    this.modelByShaStmt = db.prepare('SELECT id, sha256, name, info_json FROM models WHERE sha256 = ?');
    this.datasetByShaStmt = db.prepare('SELECT id, sha256, name, spec, samples, labeled FROM datasets WHERE sha256 = ?');
    this.deviceByIdStmt = db.prepare('SELECT id, name, kind, host, record_json FROM devices WHERE id = ?');
    this.deviceByNameStmt = db.prepare('SELECT id, name, kind, host, record_json FROM devices WHERE name = ?');
  }

  /** Records a model by content hash (renaming it if it was known under another name); returns its id. */
  upsertModel(model: ModelInput): number {
    const row = this.upsertModelStmt.get({
      sha256: model.sha256,
      name: model.name,
      path: model.path ?? null,
      info: model.info === undefined ? null : JSON.stringify(model.info),
    }) as { id: number };
    return row.id;
  }

  upsertDataset(dataset: DatasetInput): number {
    const row = this.upsertDatasetStmt.get({
      sha256: dataset.sha256,
      name: dataset.name,
      spec: dataset.spec ?? null,
      samples: dataset.samples ?? null,
      labeled: dataset.labeled ? 1 : 0,
    }) as { id: number };
    return row.id;
  }

  upsertDevice(device: DeviceInput): number {
    const row = this.upsertDeviceStmt.get({
      name: device.name,
      kind: device.kind,
      host: device.host ?? null,
      record: device.record === undefined ? null : JSON.stringify(device.record),
    }) as { id: number };
    return row.id;
  }

  /** Keeps a probe snapshot (ProbeResult) of a device; probes are history, never overwritten. */
  addProbe(deviceId: number, probe: ProbeResult, probedAt: string = probe.probedAt): void {
    this.addProbeStmt.run(deviceId, probedAt, JSON.stringify(probe));
  }

  /** The newest probe of a device; null if there is none or it predates the current ProbeResult shape. */
  latestProbe(deviceId: number): ProbeResult | null {
    const row = this.latestProbeStmt.get(deviceId) as { probe_json: string } | undefined;
    if (!row) return null;
    const parsed = ProbeResult.safeParse(JSON.parse(row.probe_json));
    return parsed.success ? parsed.data : null;
  }

  model(id: number): ContentRef | null {
    return (this.modelByIdStmt.get(id) as ContentRef | undefined) ?? null;
  }

  dataset(id: number): ContentRef | null {
    return (this.datasetByIdStmt.get(id) as ContentRef | undefined) ?? null;
  }

  modelBySha(sha256: string): (ContentRef & { info: unknown }) | null {
    const row = this.modelByShaStmt.get(sha256) as (ContentRef & { info_json: string | null }) | undefined;
    return row ? { id: row.id, sha256: row.sha256, name: row.name, info: row.info_json === null ? null : JSON.parse(row.info_json) } : null;
  }

  datasetBySha(sha256: string): (ContentRef & { spec: string | null; samples: number | null; labeled: boolean }) | null {
    const row = this.datasetByShaStmt.get(sha256) as (ContentRef & { spec: string | null; samples: number | null; labeled: number }) | undefined;
    return row ? { ...row, labeled: row.labeled === 1 } : null;
  }

  device(id: number): DeviceRow | null {
    return toDevice(this.deviceByIdStmt.get(id));
  }

  deviceByName(name: string): DeviceRow | null {
    return toDevice(this.deviceByNameStmt.get(name));
  }
}

function toDevice(row: unknown): DeviceRow | null {
  if (!row) return null;
  const r = row as { id: number; name: string; kind: 'local' | 'ssh'; host: string | null; record_json: string | null };
  return { id: r.id, name: r.name, kind: r.kind, host: r.host, record: r.record_json === null ? null : (JSON.parse(r.record_json) as DeviceRecord) };
}
