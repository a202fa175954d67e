-- Incidents (DESIGN §11): one problem of one probe, followed from the wake that opened it until
-- every target has been healthy long enough. `id` is the opening wake's caller_session_id
-- (`wake:<uuid>`), so every row of the incident — follow-up wakes, tool rows, DMs, escalations,
-- the resolution — shares it and the session timeline is the incident's timeline.
-- Times are the probe cycles' scheduled times (ISO 8601), like every window of §11.
CREATE TABLE incidents (
  id TEXT PRIMARY KEY,
  probe TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'escalated', 'resolved')),
  opened_at TEXT NOT NULL,
  -- The first unhealthy observation: `duration_ms` of the resolution counts from here.
  first_unhealthy_at TEXT NOT NULL,
  escalated_at TEXT,
  escalation_reason TEXT CHECK (escalation_reason IN ('refailed_after_fix', 'fix_not_recovered', 'flapping')),
  -- The first healthy observation of the streak that resolved it.
  recovered_at TEXT,
  resolved_at TEXT,
  resolved_by TEXT CHECK (resolved_by IN ('kora_fix', 'operator_fix', 'self')),
  -- The DM that opened the incident: updated in place, and the thread follow-ups reply to.
  root_dm_channel TEXT,
  root_dm_ts TEXT,
  fixes INTEGER NOT NULL DEFAULT 0,
  -- 1 when a DM asked the operator to act (an approval, a decision): the resolution then replies.
  operator_asked INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL
);
CREATE INDEX incidents_by_status ON incidents (status, opened_at);

-- The targets of an incident (a storm groups several: §11 "Grouping").
CREATE TABLE incident_targets (
  incident_id TEXT NOT NULL REFERENCES incidents (id),
  probe TEXT NOT NULL,
  target TEXT NOT NULL,
  -- The Fly app a machine was seen in (gate 5 looks there first); null for other probes.
  fly_app TEXT,
  PRIMARY KEY (incident_id, target)
);
CREATE INDEX incident_targets_by_target ON incident_targets (probe, target);

-- History as transitions (one row per status change of a target, not one per target per minute).
-- `at` is the scheduled time of the cycle that saw the change; uptime over any window is computed
-- from these rows. One key only: each index entry written is a row billed by D1.
CREATE TABLE probe_transitions (
  probe TEXT NOT NULL,
  target TEXT NOT NULL,
  at TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (probe, target, at)
) WITHOUT ROWID;
