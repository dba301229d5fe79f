-- Yjs document persistence: an append-only log of accepted updates (kept
-- for session playback: who, when) and a periodic snapshot (the encoded
-- document state) that bounds how much of the log a load replays.
CREATE TABLE session_updates (
  id BIGSERIAL PRIMARY KEY,
  session_id UUID NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  data BYTEA NOT NULL,
  author TEXT NOT NULL,
  author_name TEXT NOT NULL DEFAULT '',
  created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX session_updates_session_idx ON session_updates (session_id, id);

CREATE TABLE session_snapshots (
  session_id UUID PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
  state BYTEA NOT NULL,
  last_update_id BIGINT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
