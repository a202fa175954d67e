-- The probe cycle writes in proportion to change (issue 20): a target whose result did not change
-- costs no write, so `probe_state` now remembers what the incident rules need without a write per
-- minute, and history lives in `probe_transitions` (0002) instead of one row per target per cycle.
--
-- From here on `probe_state.last_observed_at` is the cycle that last wrote the row (a change of
-- status, count or detail), not the last cycle that looked: every target was looked at by the
-- newest completed cycle in `probe_cycles`.

-- When the current status began (the `at` of the target's newest transition).
ALTER TABLE probe_state ADD COLUMN status_since TEXT;
-- The first unhealthy observation of the current unhealthy streak (an `error` cycle does not end
-- it, a healthy one does): where an incident's `first_unhealthy_at` comes from, and how a
-- re-failure is told from a machine that never came back (it began after the last wake).
ALTER TABLE probe_state ADD COLUMN unhealthy_since TEXT;
-- The incident the target last belonged to (`incidents.id`), and the kind of its last wake: a
-- cycle re-run after a crash re-sends the wake it had claimed for that minute, same id and kind.
ALTER TABLE probe_state ADD COLUMN incident_id TEXT;
ALTER TABLE probe_state ADD COLUMN last_wake_kind TEXT;

-- History is `probe_transitions` now; nothing writes one row per target per minute any more.
DROP TABLE probe_results;
