-- Accepted updates land in this journal first, and move to session_updates in
-- bulk (store/sqlite.c). An append to session_updates dirties the leaf of
-- its session in the (session_id, id) index, so a commit carrying updates
-- of fifty sessions wrote some fifty pages; the journal has no secondary
-- index, so a commit writes the one or two pages at its end. A bulk move then
-- dirties each session's leaf once for all of that session's updates.
-- Journal ids continue session_updates' sequence and keep their value when
-- moved, so ids stay unique and ordered across both tables.
CREATE TABLE session_journal (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL,
  data BLOB NOT NULL,
  author TEXT NOT NULL,
  author_name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'session_journal', COALESCE((SELECT seq FROM sqlite_sequence
                                      WHERE name = 'session_updates'), 0);
