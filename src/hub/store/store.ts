/**
 * hearth's SQLite store (better-sqlite3): history of every press, acknowledgement,
 * snooze, skip, miss and notification; the pending reminder state per routine; which
 * presses were handled; which discovery configs were published.
 *
 * WAL with synchronous=FULL: writes are a handful a day, so the fsync per commit costs
 * nothing noticeable, and a power cut on the home server must not lose a "done" that the
 * LED already showed as done (NORMAL would survive kill -9 but not a power cut).
 */
import { stateDirOf } from '../../config/state-dir.js';
import Database from 'better-sqlite3';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MIGRATIONS, type Migration } from './migrations.js';
import { ensurePrivateDir, ensurePrivateFile, PRIVATE_FILE_MODE, tightenIfPresent } from './private-files.js';

export type HistoryKind =
  | 'press'
  | 'due'
  | 'done'
  | 'snooze'
  | 'skip'
  | 'miss'
  | 'notification'
  /** HA refused to deliver a notification (e.g. the phone's push channel is not connected). */
  | 'notification_failed'
  | 'clear_notification'
  | (string & {});

export interface HistoryRecord {
  id: number;
  at: number;
  kind: HistoryKind;
  routine: string | null;
  device: string | null;
  source: string | null;
  detail: unknown;
}

export interface NewHistoryRecord {
  at: number;
  kind: HistoryKind;
  routine?: string | undefined;
  device?: string | undefined;
  /** What caused it: `button`, `notification`, `mqtt`, `api`, `schedule`. */
  source?: string | undefined;
  detail?: unknown;
}

export interface Store {
  readonly path: string;
  readonly schemaVersion: number;
  record(entry: NewHistoryRecord): number;
  /**
   * Runs `fn` in one transaction (nested calls become savepoints): the records and state of one
   * step land together or not at all, also under kill -9 or a power cut.
   */
  transaction<T>(fn: () => T): T;
  history(filter?: { routine?: string; kind?: HistoryKind; since?: number; limit?: number }): HistoryRecord[];
  /**
   * `done` and `skip` records of a routine since a time, oldest first (streaks): kind, epoch ms,
   * and the start of the occurrence they acknowledged (null when the row has none).
   */
  streakRecords(routine: string, since: number): Array<{ kind: string; at: number; occurrence: number | null }>;
  /** Epoch ms of `done` records for a routine since a time (streaks). */
  doneTimes(routine: string, since: number): number[];
  saveReminderState(routine: string, state: unknown, now: number): void;
  loadReminderStates(): Map<string, unknown>;
  deleteReminderState(routine: string): void;
  lastHandledPress(entityId: string): string | undefined;
  markPressHandled(entityId: string, fired: string, now: number): void;
  discoveryTopics(): string[];
  setDiscoveryTopics(topics: Iterable<string>, now: number): void;
  /** A consistent copy of the live database (SQLite online backup, written atomically), safe while hearth writes. */
  backup(file: string): Promise<void>;
  /** True when a trivial query works (for /healthz). */
  healthy(): boolean;
  /**
   * The open database, for a unit that keeps its own tables beside the hub's (the life coach:
   * src/lifecoach/store.ts, migrated by itself). Not for the hub's tables: use the methods.
   */
  readonly db: Database.Database;
  close(): void;
}

export interface StoreDeps {
  /** Database file; `:memory:` for tests. */
  path: string;
  migrations?: readonly Migration[];
}

/**
 * Opens (creating and migrating) the store. Its folder is made 0700 and the database file
 * 0600 (its WAL and SHM files follow it), whatever the umask: it holds where a person was and
 * when, and their routines.
 */
export function createStore(deps: StoreDeps): Store {
  if (deps.path !== ':memory:') {
    ensurePrivateDir(dirname(deps.path));
    ensurePrivateFile(deps.path);
    tightenIfPresent(`${deps.path}-wal`, `${deps.path}-shm`, `${deps.path}-journal`);
  }
  const db = new Database(deps.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const schemaVersion = migrate(db, deps.migrations ?? MIGRATIONS);

  const insertHistory = db.prepare('INSERT INTO history (at, kind, routine, device, source, detail) VALUES (?, ?, ?, ?, ?, ?)');
  const upsertState = db.prepare(
    `INSERT INTO reminder_state (routine, state, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(routine) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
  );
  const selectStates = db.prepare('SELECT routine, state FROM reminder_state');
  const deleteState = db.prepare('DELETE FROM reminder_state WHERE routine = ?');
  const selectPress = db.prepare('SELECT last_fired FROM handled_presses WHERE entity_id = ?');
  const upsertPress = db.prepare(
    `INSERT INTO handled_presses (entity_id, last_fired, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(entity_id) DO UPDATE SET last_fired = excluded.last_fired, updated_at = excluded.updated_at`,
  );
  const selectDone = db.prepare("SELECT at FROM history WHERE kind = 'done' AND routine = ? AND at >= ? ORDER BY at");
  const selectStreak = db.prepare(
    `SELECT kind, at, json_extract(detail, '$.occurrence') AS occurrence FROM history
     WHERE routine = ? AND at >= ? AND kind IN ('done', 'skip') ORDER BY at`,
  );
  const selectTopics = db.prepare('SELECT topic FROM discovery_topics ORDER BY topic');
  const deleteTopics = db.prepare('DELETE FROM discovery_topics');
  const insertTopic = db.prepare('INSERT INTO discovery_topics (topic, published_at) VALUES (?, ?)');
  const replaceTopics = db.transaction((topics: string[], now: number) => {
    deleteTopics.run();
    for (const t of topics) insertTopic.run(t, now);
  });

  return {
    path: deps.path,
    schemaVersion,
    record(entry) {
      const result = insertHistory.run(
        entry.at,
        entry.kind,
        entry.routine ?? null,
        entry.device ?? null,
        entry.source ?? null,
        entry.detail === undefined ? null : JSON.stringify(entry.detail),
      );
      return Number(result.lastInsertRowid);
    },
    db,
    transaction(fn) {
      return db.transaction(fn)();
    },
    history(filter = {}) {
      const where: string[] = [];
      const args: unknown[] = [];
      const add = (clause: string, value: unknown): void => {
        where.push(clause);
        args.push(value);
      };
      if (filter.routine !== undefined) add('routine = ?', filter.routine);
      if (filter.kind !== undefined) add('kind = ?', filter.kind);
      if (filter.since !== undefined) add('at >= ?', filter.since);
      const sql = `SELECT * FROM history ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
      args.push(filter.limit ?? 100);
      const rows = db.prepare(sql).all(...args) as Array<Omit<HistoryRecord, 'detail'> & { detail: string | null }>;
      return rows.map((r) => ({ ...r, detail: r.detail === null ? null : (JSON.parse(r.detail) as unknown) }));
    },
    streakRecords(routine, since) {
      return selectStreak.all(routine, since) as Array<{ kind: string; at: number; occurrence: number | null }>;
    },
    doneTimes(routine, since) {
      return (selectDone.all(routine, since) as Array<{ at: number }>).map((r) => r.at);
    },
    saveReminderState(routine, state, now) {
      upsertState.run(routine, JSON.stringify(state), now);
    },
    loadReminderStates() {
      const rows = selectStates.all() as Array<{ routine: string; state: string }>;
      return new Map(rows.map((r) => [r.routine, JSON.parse(r.state) as unknown]));
    },
    deleteReminderState(routine) {
      deleteState.run(routine);
    },
    lastHandledPress(entityId) {
      return (selectPress.get(entityId) as { last_fired: string } | undefined)?.last_fired;
    },
    markPressHandled(entityId, fired, now) {
      upsertPress.run(entityId, fired, now);
    },
    discoveryTopics() {
      return (selectTopics.all() as Array<{ topic: string }>).map((r) => r.topic);
    },
    setDiscoveryTopics(topics, now) {
      replaceTopics([...new Set(topics)], now);
    },
    backup(file) {
      return atomicBackup(db, file);
    },
    healthy() {
      try {
        return db.open && (db.prepare('SELECT 1 AS ok').get() as { ok: number }).ok === 1;
      } catch {
        return false;
      }
    },
    close() {
      if (db.open) db.close();
    },
  };
}

/** Applies the migrations newer than the database's version, each in its own transaction. */
export function migrate(db: Database.Database, migrations: readonly Migration[]): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (i > 0 && sorted[i - 1]!.version === m.version) throw new Error(`two migrations with version ${m.version}`);
  });
  const current = (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
  const known = sorted.at(-1)?.version ?? 0;
  if (current > known) {
    throw new Error(
      `the store's schema version ${current} is newer than this hearth knows (${known}); refusing to run an older hearth on it`,
    );
  }
  const insert = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of sorted) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      insert.run(m.version, m.name, new Date().toISOString());
    })();
  }
  return Math.max(current, known);
}

/** Where the store lives: `state_dir` from hearth.yaml, else $STATE_DIRECTORY (systemd), else ./state. */
export function storePath(stateDir: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDirOf(stateDir, env), 'hearth.sqlite');
}

export interface BackupOptions {
  /** better-sqlite3's backup progress (called between steps); throwing aborts the backup. */
  progress?: (info: { totalPages: number; remainingPages: number }) => void;
}

/**
 * Copies `db` to `destination` so that `destination` is only ever the previous file or a
 * complete copy (restic may snapshot it at any moment): the copy goes to
 * `<destination>.tmp-<pid>` in the same directory, is fsynced and renamed over it (and the
 * directory fsynced). On any failure the temporary file is removed and `destination` is untouched.
 * The copy is private (0600) from its creation on, whatever the umask: it is created by us
 * before SQLite writes into it (SQLite keeps the mode of an existing file).
 */
async function atomicBackup(db: Database.Database, destination: string, options: BackupOptions = {}): Promise<void> {
  const temp = join(dirname(destination), `${basename(destination)}.tmp-${process.pid}`);
  try {
    const created = await open(temp, 'w', PRIVATE_FILE_MODE);
    try {
      await created.chmod(PRIVATE_FILE_MODE);
    } finally {
      await created.close();
    }
    await db.backup(temp, options.progress ? { progress: (info) => (options.progress!(info), 100) } : undefined);
    const file = await open(temp, 'r+');
    try {
      await file.chmod(PRIVATE_FILE_MODE);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, destination);
  } catch (e) {
    await rm(temp, { force: true });
    await rm(`${temp}-journal`, { force: true });
    throw e;
  }
  const dir = await open(dirname(destination), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** `hearth backup FILE`: opens the store read-only and writes a consistent copy (atomically, see atomicBackup). */
export async function backupStoreFile(source: string, destination: string, options: BackupOptions = {}): Promise<void> {
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    await atomicBackup(db, destination, options);
  } finally {
    db.close();
  }
}
