/**
 * Schema version 1: the first released history. Kept exactly as shipped so a database made by that
 * release migrates step by step; never edit it, add a new version instead.
 */
export const v1Initial = `
CREATE TABLE models (
  id          INTEGER PRIMARY KEY,
  sha256      TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  path        TEXT,
  info_json   TEXT,
  created_at  TEXT NOT NULL
);

CREATE INDEX models_by_name ON models(name);

CREATE TABLE datasets (
  id          INTEGER PRIMARY KEY,
  sha256      TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  spec        TEXT,
  samples     INTEGER,
  labeled     INTEGER NOT NULL DEFAULT 0,
  created_at  TEXT NOT NULL
);

CREATE TABLE devices (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  kind        TEXT NOT NULL CHECK (kind IN ('local', 'ssh')),
  host        TEXT,
  record_json TEXT,
  created_at  TEXT NOT NULL
);

CREATE TABLE device_probes (
  id          INTEGER PRIMARY KEY,
  device_id   INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  probed_at   TEXT NOT NULL,
  probe_json  TEXT NOT NULL
);
CREATE INDEX device_probes_by_device ON device_probes(device_id, probed_at);

CREATE TABLE runs (
  id                 INTEGER PRIMARY KEY,
  kind               TEXT NOT NULL CHECK (kind IN ('search', 'benchmark', 'evaluate')),
  status             TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'done', 'failed', 'cancelled')),
  title              TEXT NOT NULL,
  method             TEXT,
  model_id           INTEGER NOT NULL REFERENCES models(id),
  dataset_id         INTEGER REFERENCES datasets(id),
  device_id          INTEGER REFERENCES devices(id),
  settings_json      TEXT NOT NULL,
  versions_json      TEXT NOT NULL,
  device_state_json  TEXT,
  result_json        TEXT,
  error_json         TEXT,
  created_at         TEXT NOT NULL,
  started_at         TEXT,
  finished_at        TEXT
);
CREATE INDEX runs_by_created ON runs(created_at, id);
CREATE INDEX runs_by_model ON runs(model_id, created_at, id);
CREATE INDEX runs_by_device ON runs(device_id, created_at, id);

CREATE TABLE configurations (
  id           INTEGER PRIMARY KEY,
  model_id     INTEGER NOT NULL REFERENCES models(id),
  hash         TEXT NOT NULL,
  label        TEXT,
  config_json  TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  UNIQUE (model_id, hash)
);

CREATE TABLE evaluations (
  id                INTEGER PRIMARY KEY,
  run_id            INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  configuration_id  INTEGER NOT NULL REFERENCES configurations(id),
  eval_key          TEXT NOT NULL,
  split             TEXT,
  samples           INTEGER,
  accuracy          REAL,
  sqnr_db           REAL,
  cost              REAL,
  bops              REAL,
  size_bytes        INTEGER,
  record_json       TEXT NOT NULL,
  created_at        TEXT NOT NULL,
  UNIQUE (run_id, eval_key)
);
CREATE INDEX evaluations_by_configuration ON evaluations(configuration_id, run_id);

CREATE TABLE measurements (
  id                 INTEGER PRIMARY KEY,
  run_id             INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  configuration_id   INTEGER REFERENCES configurations(id),
  device_id          INTEGER NOT NULL REFERENCES devices(id),
  measure_key        TEXT NOT NULL,
  runtime            TEXT NOT NULL,
  warmup             INTEGER NOT NULL,
  iterations         INTEGER NOT NULL,
  min_ms             REAL NOT NULL,
  median_ms          REAL NOT NULL,
  mean_ms            REAL NOT NULL,
  p90_ms             REAL NOT NULL,
  p99_ms             REAL NOT NULL,
  cv                 REAL NOT NULL,
  unstable           INTEGER NOT NULL DEFAULT 0,
  samples            BLOB,
  device_state_json  TEXT,
  created_at         TEXT NOT NULL,
  UNIQUE (run_id, measure_key)
);
CREATE INDEX measurements_by_configuration ON measurements(configuration_id, device_id, created_at);
`;
