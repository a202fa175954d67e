-- Events pushed by providers (DESIGN §13). One row per provider event id, claimed before any
-- work: a second delivery of the same event (Sentry and Vercel both retry) finds the row and does
-- nothing new. Kept like probe history, by age.
CREATE TABLE provider_events (
  provider TEXT NOT NULL CHECK (provider IN ('sentry', 'vercel')),
  event_key TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (provider, event_key)
) WITHOUT ROWID;
