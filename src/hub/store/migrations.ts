/**
 * The store's schema, as an ordered list of migrations. Append only: a migration that has
 * shipped is never edited; a change is a new entry with the next version.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'history and pending reminder state',
    sql: `
      -- Everything that happened to a routine or a button: press, done, snooze, skip, miss,
      -- due, notification, clear_notification. 'at' is epoch milliseconds.
      CREATE TABLE history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        routine TEXT,
        device TEXT,
        source TEXT,
        detail TEXT
      );
      CREATE INDEX history_routine_at ON history (routine, at);
      CREATE INDEX history_kind_at ON history (kind, at);

      -- The reminder state machine's state per routine (JSON), so a restart restores it.
      CREATE TABLE reminder_state (
        routine TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );

      -- Per button event entity, the last press timestamp handled: a press is handled once,
      -- also across restarts.
      CREATE TABLE handled_presses (
        entity_id TEXT PRIMARY KEY,
        last_fired TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'published discovery configs',
    sql: `
      -- Every retained discovery config topic hearth has published, so configs of entities that
      -- no longer exist are cleared (empty retained payload) after a reload or restart.
      CREATE TABLE discovery_topics (
        topic TEXT PRIMARY KEY,
        published_at INTEGER NOT NULL
      );
    `,
  },
];
