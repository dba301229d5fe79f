-- Sessions: one row per interview pad.
CREATE TABLE sessions (
  id UUID PRIMARY KEY,
  title TEXT NOT NULL,
  language TEXT NOT NULL,
  code TEXT NOT NULL DEFAULT '',
  created_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  password_hash TEXT,
  interviewer_token_hash TEXT NOT NULL,
  is_active BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
