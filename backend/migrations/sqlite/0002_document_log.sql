-- Yjs document persistence: an append-only log of accepted updates (kept
-- for session playback: who, when) and a periodic snapshot (the encoded
-- document state) that bounds how much of the log a load replays.
CREATE TABLE session_updates (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  data BLOB NOT NULL,
  author TEXT NOT NULL,
  author_name TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE INDEX session_updates_session_idx ON session_updates (session_id, id);

CREATE TABLE session_snapshots (
  session_id TEXT PRIMARY KEY NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  state BLOB NOT NULL,
  last_update_id INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
