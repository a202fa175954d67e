-- The operator's pause (DESIGN §12): one switch that closes every fix envelope at once, without
-- a deploy. A single row (`id = 1`); no row at all means autonomy has never been paused. Gate 2
-- reads it at every call. Each change also writes `operator.autonomy_paused` / `_resumed`
-- with the id `autonomy_switch:<change_id>`, so a repeated request adds no second row.
-- Shadow decisions and their labels need no table: they are audit rows
-- (`tool.probe_autofix_attempted` with status `shadowed`, `autofix.shadow_labeled`).
CREATE TABLE autonomy_switch (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  paused INTEGER NOT NULL CHECK (paused IN (0, 1)),
  change_id TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  changed_at TEXT NOT NULL,
  via TEXT NOT NULL CHECK (via IN ('api', 'console', 'slack')),
  reason TEXT,
  -- When the pause in force (or the last one) began: a resume says how long it lasted.
  paused_since TEXT
);
