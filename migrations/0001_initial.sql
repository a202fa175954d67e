-- Kora's schema. Append-only: change it with a new numbered file, never by editing this one
-- after it has been applied anywhere.

-- Every attempt, refusal, failure and decision (DESIGN §7). `seq` gives a stable order and a
-- keyset cursor; `id` is the idempotency key, so a repeated write inserts nothing new.
CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  emitted_at TEXT NOT NULL,
  seam TEXT NOT NULL,
  caller_session_id TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('cron', 'reasoning', 'mcp', 'operator', 'system')),
  details TEXT NOT NULL
);
CREATE INDEX audit_events_by_session ON audit_events (caller_session_id, seq);
CREATE INDEX audit_events_by_seam_time ON audit_events (seam, emitted_at);
CREATE INDEX audit_events_by_time ON audit_events (emitted_at, seq);

-- One row per outbound DM, sent or failed, whatever path sent it (DESIGN §3 step 5).
CREATE TABLE slack_dm_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  caller_session_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  channel TEXT,
  dm_status TEXT NOT NULL,
  text TEXT NOT NULL,
  blocks TEXT,
  slack_ts TEXT,
  error TEXT
);
CREATE INDEX slack_dm_log_by_session ON slack_dm_log (caller_session_id, seq);
CREATE INDEX slack_dm_log_by_time ON slack_dm_log (created_at, seq);

-- The claim a wake consumer takes before investigating (DESIGN §3 step 2).
CREATE TABLE investigations (
  wake_id TEXT PRIMARY KEY,
  caller_session_id TEXT NOT NULL,
  probe TEXT NOT NULL,
  target TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'done')),
  claimed_at TEXT NOT NULL,
  claim_token TEXT NOT NULL,
  completed_at TEXT,
  dm_status TEXT,
  model TEXT,
  cost_usd REAL,
  summary TEXT
);
CREATE INDEX investigations_by_target ON investigations (probe, target, status);
CREATE INDEX investigations_by_claimed ON investigations (claimed_at);
CREATE INDEX investigations_by_dm_status ON investigations (dm_status, claimed_at);

-- Per (probe, target) memory of the cron cycle (DESIGN §2).
CREATE TABLE probe_state (
  probe TEXT NOT NULL,
  target TEXT NOT NULL,
  last_status TEXT NOT NULL,
  last_detail TEXT NOT NULL,
  last_observed_at TEXT NOT NULL,
  consecutive_unhealthy INTEGER NOT NULL DEFAULT 0,
  last_wake_at TEXT,
  last_wake_id TEXT,
  PRIMARY KEY (probe, target)
);

-- One row per cycle: `scheduled_time` is the cron's idempotency key.
CREATE TABLE probe_cycles (
  scheduled_time INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  completed_at TEXT
);

-- Probe history for the console, trimmed by the cycle to a retention bound.
CREATE TABLE probe_results (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  scheduled_time INTEGER NOT NULL,
  probe TEXT NOT NULL,
  target TEXT NOT NULL,
  status TEXT NOT NULL,
  detail TEXT NOT NULL,
  observed_at TEXT NOT NULL,
  UNIQUE (scheduled_time, probe, target)
);
CREATE INDEX probe_results_by_target ON probe_results (probe, target, seq);
CREATE INDEX probe_results_by_time ON probe_results (observed_at);

-- Operator approvals of a fix the envelope did not allow (DESIGN §4, §8).
CREATE TABLE approvals (
  id TEXT PRIMARY KEY,
  caller_session_id TEXT NOT NULL,
  probe TEXT NOT NULL,
  action TEXT NOT NULL,
  target_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  decided_by TEXT,
  decided_at TEXT,
  outcome TEXT
);
CREATE INDEX approvals_by_session ON approvals (caller_session_id);
