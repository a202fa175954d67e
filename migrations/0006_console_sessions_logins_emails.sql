-- Issue 15: state that closes three holes an attacker found.

-- Console sessions, server-side: the cookie names a row here (and is signed with the operator
-- token), so logging out deletes the row and a cookie captured before it stops working.
CREATE TABLE console_sessions (
  id TEXT PRIMARY KEY,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL
);
CREATE INDEX console_sessions_by_expiry ON console_sessions (expires_at_ms);

-- Login attempts per client (CF-Connecting-IP, an IPv6 client by its /64), in a fixed window:
-- past the limit the console answers 429 with Retry-After, whatever token is tried.
CREATE TABLE console_login_attempts (
  client TEXT PRIMARY KEY,
  window_started_at_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL
);

-- The one email an investigation (a caller_session_id) may send, claimed before the send.
CREATE TABLE operator_emails (
  caller_session_id TEXT PRIMARY KEY,
  digest TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('sending', 'sent')),
  claimed_at_ms INTEGER NOT NULL,
  message_id TEXT
);
