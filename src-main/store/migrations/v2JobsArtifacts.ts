/**
 * Schema version 2: what resumable jobs need (which process owns a running run, its last progress,
 * the configuration a search chose) plus exported artifacts and reports.
 */
export const v2JobsArtifacts = `
ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
ALTER TABLE runs ADD COLUMN progress_json TEXT;
ALTER TABLE runs ADD COLUMN chosen_configuration_id INTEGER REFERENCES configurations(id);
ALTER TABLE runs ADD COLUMN updated_at TEXT;
UPDATE runs SET updated_at = COALESCE(finished_at, started_at, created_at);
CREATE INDEX runs_by_status ON runs(status);

CREATE TABLE artifacts (
  id                INTEGER PRIMARY KEY,
  sha256            TEXT NOT NULL UNIQUE,
  kind              TEXT NOT NULL,
  path              TEXT NOT NULL,
  size_bytes        INTEGER NOT NULL,
  model_id          INTEGER REFERENCES models(id),
  configuration_id  INTEGER REFERENCES configurations(id),
  runtime           TEXT,
  flags_json        TEXT,
  created_at        TEXT NOT NULL
);
CREATE INDEX artifacts_by_configuration ON artifacts(configuration_id);

CREATE TABLE reports (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  format      TEXT NOT NULL CHECK (format IN ('html', 'pdf', 'csv', 'json')),
  path        TEXT NOT NULL,
  title       TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX reports_by_run ON reports(run_id);
`;
