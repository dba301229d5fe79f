-- Code execution: the interviewer's per-session time limit, and the runs
-- everyone saw (output included) kept with the session for later review.
ALTER TABLE sessions ADD COLUMN run_timeout_seconds INTEGER NOT NULL DEFAULT 10;

CREATE TABLE session_runs (
  id BIGSERIAL PRIMARY KEY,
  session_id UUID NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  run_id TEXT NOT NULL,
  author TEXT NOT NULL,
  author_name TEXT NOT NULL DEFAULT '',
  started_at TIMESTAMPTZ NOT NULL,
  record JSONB NOT NULL
);
CREATE INDEX session_runs_session_idx ON session_runs (session_id, id);
