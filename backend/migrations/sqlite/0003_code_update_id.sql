-- The last logged update the `code` column reflects: after a crash, sessions
-- whose log goes further get their `code` rebuilt at start-up.
ALTER TABLE sessions ADD COLUMN code_update_id INTEGER NOT NULL DEFAULT 0;
