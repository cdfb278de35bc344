#include "store/migrations.h"

#include <array>

namespace runexp::store {

namespace {

// Version 1: the tables. Timestamps are checked for the one fixed-width
// format so that text comparison stays time comparison even for rows
// written by hand with the sqlite3 shell.
constexpr std::string_view kTables = R"sql(
CREATE TABLE runs (
  run_id          TEXT PRIMARY KEY NOT NULL,
  name            TEXT,
  experiment      TEXT NOT NULL,
  status          TEXT NOT NULL
                  CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
  started_at      TEXT NOT NULL CHECK (started_at GLOB
    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'),
  finished_at     TEXT CHECK (finished_at GLOB
    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'),
  heartbeat_at    TEXT NOT NULL CHECK (heartbeat_at GLOB
    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'),
  seed            INTEGER,
  config_toml     TEXT,
  config_sha256   TEXT,
  git_commit      TEXT,
  git_dirty       INTEGER CHECK (git_dirty IN (0, 1)),
  runexp_version  TEXT,
  host            TEXT NOT NULL,
  pid             INTEGER NOT NULL,
  pid_start_ticks INTEGER,
  boot_id         TEXT,
  environment     TEXT CHECK (environment IS NULL OR json_valid(environment)),
  command_line    TEXT,
  working_dir     TEXT,
  threads         INTEGER,
  error           TEXT,
  parent_run_id   TEXT REFERENCES runs(run_id) ON DELETE SET NULL,
  resume_count    INTEGER NOT NULL DEFAULT 0 CHECK (resume_count >= 0),
  reaped_at       TEXT,
  CHECK ((status = 'running') = (finished_at IS NULL))
);
CREATE INDEX runs_by_experiment ON runs(experiment, started_at);
CREATE INDEX runs_by_parent ON runs(parent_run_id);
CREATE INDEX runs_running ON runs(status) WHERE status = 'running';

CREATE TABLE inputs (
  run_id  TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  stage   TEXT NOT NULL,
  path    TEXT NOT NULL,
  sha256  TEXT,
  bytes   INTEGER,
  PRIMARY KEY (run_id, stage, path)
);

CREATE TABLE params (
  run_id  TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  key     TEXT NOT NULL,
  value,  -- no declared type: INTEGER, REAL or TEXT as the TOML value was
  type    TEXT NOT NULL CHECK (type IN ('string', 'integer', 'float', 'boolean')),
  PRIMARY KEY (run_id, key)
);
CREATE INDEX params_by_key ON params(key);

CREATE TABLE epoch_metrics (
  run_id          TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  epoch           INTEGER NOT NULL CHECK (epoch >= 0),
  train_loss      REAL,
  train_accuracy  REAL,
  test_loss       REAL,
  test_accuracy   REAL,
  gap_accuracy    REAL GENERATED ALWAYS AS (train_accuracy - test_accuracy) VIRTUAL,
  gap_loss        REAL GENERATED ALWAYS AS (test_loss - train_loss) VIRTUAL,
  seconds         REAL,
  recorded_at     TEXT NOT NULL,
  PRIMARY KEY (run_id, epoch)
);

CREATE TABLE metrics (
  metric_id  INTEGER PRIMARY KEY,
  run_id     TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  stage      TEXT NOT NULL,
  name       TEXT NOT NULL,
  epoch      INTEGER,
  step       INTEGER,
  value      REAL
);
CREATE INDEX metrics_by_run ON metrics(run_id, name, epoch, step);

CREATE TABLE checkpoints (
  run_id          TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  epoch           INTEGER NOT NULL,
  path            TEXT NOT NULL,
  sha256          TEXT,
  weights_sha256  TEXT,
  bytes           INTEGER,
  created_at      TEXT NOT NULL,
  pruned          INTEGER NOT NULL DEFAULT 0 CHECK (pruned IN (0, 1)),
  pruned_at       TEXT,
  CHECK ((pruned = 1) = (pruned_at IS NOT NULL)),
  PRIMARY KEY (run_id, epoch)
);

CREATE TABLE tags (
  run_id  TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  key     TEXT NOT NULL CHECK (key <> ''),
  value   TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, key)
);
)sql";

// Version 2: the views. Hyperparameters are found by key suffix because the
// config layout is the user's: "model.optimizer.learning_rate" and
// "optimizer.learning_rate" both count; when several keys match, the one
// under an optimizer wins, then the shortest key.
constexpr std::string_view kViews = R"sql(
CREATE VIEW run_summary AS
SELECT
  r.run_id,
  r.name,
  r.experiment,
  r.status,
  r.started_at,
  r.finished_at,
  ROUND((julianday(COALESCE(r.finished_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))
         - julianday(r.started_at)) * 86400.0, 3) AS duration_seconds,
  (SELECT COUNT(*) FROM epoch_metrics e WHERE e.run_id = r.run_id) AS epochs,
  last.train_accuracy AS final_train_accuracy,
  last.test_accuracy  AS final_test_accuracy,
  last.train_loss     AS final_train_loss,
  last.test_loss      AS final_test_loss,
  last.gap_accuracy   AS final_gap_accuracy,
  best.test_accuracy  AS best_test_accuracy,
  best.epoch          AS best_epoch,
  (SELECT p.value FROM params p
    WHERE p.run_id = r.run_id AND (p.key = 'learning_rate' OR p.key GLOB '*.learning_rate')
    ORDER BY p.key GLOB '*optimizer.learning_rate' DESC, length(p.key), p.key
    LIMIT 1) AS learning_rate,
  (SELECT p.value FROM params p
    WHERE p.run_id = r.run_id AND (p.key = 'batch_size' OR p.key GLOB '*.batch_size')
    ORDER BY length(p.key), p.key
    LIMIT 1) AS batch_size,
  (SELECT p.value FROM params p
    WHERE p.run_id = r.run_id AND (p.key = 'epochs' OR p.key GLOB '*.epochs')
    ORDER BY length(p.key), p.key
    LIMIT 1) AS config_epochs,
  r.seed,
  r.git_commit,
  r.host,
  r.error
FROM runs r
LEFT JOIN epoch_metrics last
  ON last.run_id = r.run_id
 AND last.epoch = (SELECT MAX(e.epoch) FROM epoch_metrics e WHERE e.run_id = r.run_id)
LEFT JOIN epoch_metrics best
  ON best.run_id = r.run_id
 AND best.epoch = (SELECT e.epoch FROM epoch_metrics e
                    WHERE e.run_id = r.run_id AND e.test_accuracy IS NOT NULL
                    ORDER BY e.test_accuracy DESC, e.epoch
                    LIMIT 1);

CREATE VIEW param_spread AS
SELECT
  r.experiment,
  p.key,
  COUNT(*) AS runs_with_key,
  COUNT(DISTINCT p.value) AS distinct_values,
  (SELECT COUNT(DISTINCT p2.run_id) FROM params p2 JOIN runs r2 ON r2.run_id = p2.run_id
    WHERE r2.experiment = r.experiment) AS runs_with_params
FROM params p
JOIN runs r ON r.run_id = p.run_id
GROUP BY r.experiment, p.key;

CREATE VIEW differing_params AS
SELECT r.experiment, p.run_id, p.key, p.value, p.type
FROM params p
JOIN runs r ON r.run_id = p.run_id
JOIN param_spread s ON s.experiment = r.experiment AND s.key = p.key
WHERE s.distinct_values > 1 OR s.runs_with_key < s.runs_with_params;
)sql";

// Version 3: sweeps. A sweep's points are fixed when it is created; each
// point links to the run that answers it: one the sweep started (that run's
// sweep_id is set too) or, deduplicated, an earlier completed run with the
// same configuration (reused = 1). Deleting a run unlinks its point, so the
// next `runexp sweep` runs that point again.
constexpr std::string_view kSweeps = R"sql(
CREATE TABLE sweeps (
  sweep_id         TEXT PRIMARY KEY NOT NULL,
  experiment       TEXT NOT NULL,
  created_at       TEXT NOT NULL,
  spec_sha256      TEXT NOT NULL UNIQUE,
  mode             TEXT NOT NULL CHECK (mode IN ('grid', 'list', 'random')),
  keys             TEXT NOT NULL CHECK (json_valid(keys)),
  experiment_file  TEXT NOT NULL,
  command_line     TEXT,
  folder           TEXT NOT NULL
);

CREATE TABLE sweep_points (
  sweep_id       TEXT NOT NULL REFERENCES sweeps(sweep_id) ON DELETE CASCADE,
  point          INTEGER NOT NULL CHECK (point >= 0),
  assignments    TEXT NOT NULL CHECK (json_valid(assignments)),
  config_sha256  TEXT NOT NULL,
  run_id         TEXT REFERENCES runs(run_id) ON DELETE SET NULL,
  reused         INTEGER NOT NULL DEFAULT 0 CHECK (reused IN (0, 1)),
  PRIMARY KEY (sweep_id, point)
);
CREATE INDEX sweep_points_by_run ON sweep_points(run_id);
CREATE INDEX sweep_points_by_config ON sweep_points(config_sha256);

ALTER TABLE runs ADD COLUMN sweep_id TEXT REFERENCES sweeps(sweep_id) ON DELETE SET NULL;
CREATE INDEX runs_by_config ON runs(config_sha256, status);

CREATE VIEW sweep_results AS
SELECT
  p.sweep_id,
  p.point,
  p.assignments,
  p.run_id,
  p.reused,
  COALESCE(s.status, 'pending') AS status,
  s.epochs,
  s.final_train_accuracy,
  s.final_test_accuracy,
  s.final_gap_accuracy,
  s.final_train_loss,
  s.final_test_loss,
  s.duration_seconds
FROM sweep_points p
LEFT JOIN run_summary s ON s.run_id = p.run_id;
)sql";

constexpr std::array<Migration, 3> kMigrations = {{
    {1, "tables", kTables},
    {2, "views run_summary, param_spread, differing_params", kViews},
    {3, "sweeps, sweep_points, runs.sweep_id, view sweep_results", kSweeps},
}};

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int CurrentSchemaVersion() { return kMigrations.back().version; }

}  // namespace runexp::store
