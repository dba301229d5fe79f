-- Per-session settings of code runs chosen by the interviewer (compiler flags,
-- the SQL seed script), as a JSON object validated by the server.
ALTER TABLE sessions ADD COLUMN run_settings TEXT NOT NULL DEFAULT '{}';
