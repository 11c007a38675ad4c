/**
 * The coach's tables in hearth's SQLite store (better-sqlite3), kept apart from the hub's
 * schema: its own `lifecoach_schema` version row and `CREATE TABLE IF NOT EXISTS` migrations,
 * applied by `migrateLifecoach(db)` on whatever database the coach is given.
 *
 * - `lifecoach_checkins`: one row per check-in (skipped ones too): context, prompt hash, model
 *   name and digest, options, timings, outcome and reason, the message, dropped facts.
 * - `lifecoach_captures`: every capture attempt (when, why, camera, outcome), never the image.
 * - `lifecoach_settings`: small persisted switches (the cameras switch survives restarts).
 *
 * A check-in and its captures are written in one transaction: after a kill -9 the store holds
 * the complete record or none of it (SQLite's atomic commit).
 */
import type { Database } from 'better-sqlite3';
import type { CaptureRecord } from './stills/camera-set.js';
import type { CheckinContext } from './checkin/context.js';
import type { PastCheckin } from './checkin/facts.js';
import type { CheckinMessage } from './checkin/message.js';

interface LifecoachMigration {
  version: number;
  sql: string;
}

/** Append only: a shipped migration is never edited. */
const MIGRATIONS: readonly LifecoachMigration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE IF NOT EXISTS lifecoach_checkins (
        id TEXT PRIMARY KEY,
        person TEXT NOT NULL,
        trigger TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER NOT NULL,
        -- model | data | skipped
        outcome TEXT NOT NULL,
        reason TEXT,
        context TEXT,
        prompt_hash TEXT,
        model TEXT,
        model_digest TEXT,
        options TEXT,
        timings TEXT NOT NULL,
        message TEXT,
        dropped TEXT NOT NULL DEFAULT '[]',
        delivered INTEGER NOT NULL DEFAULT 0,
        capture_count INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX IF NOT EXISTS lifecoach_checkins_person_at ON lifecoach_checkins (person, started_at);

      CREATE TABLE IF NOT EXISTS lifecoach_captures (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        checkin TEXT REFERENCES lifecoach_checkins (id) ON DELETE CASCADE,
        at INTEGER NOT NULL,
        camera TEXT NOT NULL,
        why TEXT NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT,
        ms INTEGER NOT NULL,
        bytes INTEGER
      );
      CREATE INDEX IF NOT EXISTS lifecoach_captures_at ON lifecoach_captures (at);

      CREATE TABLE IF NOT EXISTS lifecoach_settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
];

/** Creates or updates the coach's tables; idempotent. */
export function migrateLifecoach(db: Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS lifecoach_schema (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT MAX(version) AS v FROM lifecoach_schema').get() as { v: number | null };
  const current = row.v ?? 0;
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO lifecoach_schema (version) VALUES (?)').run(m.version);
    })();
  }
}

export interface CheckinTimings {
  /** Both stills, ms. */
  capture_ms?: number;
  context_ms?: number;
  /** Ollama's load_duration of the call. */
  load_ms?: number;
  first_token_ms?: number;
  model_ms?: number;
  total_ms: number;
}

export interface CheckinRecord {
  id: string;
  person: string;
  /** schedule | manual | button | api | … */
  trigger: string;
  started_at: number;
  finished_at: number;
  outcome: 'model' | 'data' | 'skipped';
  reason: string | null;
  context: CheckinContext | null;
  prompt_hash: string | null;
  model: string | null;
  model_digest: string | null;
  options: Record<string, unknown> | null;
  timings: CheckinTimings;
  message: CheckinMessage | null;
  /** Fact check: made-up routine ids and contradicting suggestions. */
  dropped: string[];
  delivered: boolean;
}

export interface CheckinStore {
  /** The check-in and its capture records, in one transaction. */
  save(record: CheckinRecord, captures: readonly CaptureRecord[]): void;
  /** Capture records outside a check-in (HTTP `/stills`, …). */
  saveCaptures(captures: readonly CaptureRecord[]): void;
  get(id: string): CheckinRecord | undefined;
  /** Newest first. */
  list(options?: { limit?: number; before?: number; person?: string }): CheckinRecord[];
  /** The last check-ins that said something (not skipped), newest first, as the next context needs them. */
  recent(person: string, limit: number): PastCheckin[];
  captures(checkin: string): CaptureRecord[];
  setting(key: string): string | undefined;
  setSetting(key: string, value: string, at: number): void;
}

interface Row {
  id: string;
  person: string;
  trigger: string;
  started_at: number;
  finished_at: number;
  outcome: CheckinRecord['outcome'];
  reason: string | null;
  context: string | null;
  prompt_hash: string | null;
  model: string | null;
  model_digest: string | null;
  options: string | null;
  timings: string;
  message: string | null;
  dropped: string;
  delivered: number;
}

const json = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));
const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

function fromRow({ capture_count: _count, ...row }: Row & { capture_count?: number }): CheckinRecord {
  return {
    ...row,
    context: parse<CheckinContext>(row.context),
    options: parse<Record<string, unknown>>(row.options),
    timings: JSON.parse(row.timings) as CheckinTimings,
    message: parse<CheckinMessage>(row.message),
    dropped: JSON.parse(row.dropped) as string[],
    delivered: row.delivered === 1,
  };
}

/** The store over a database; runs the migrations first. */
export function createCheckinStore(db: Database): CheckinStore {
  migrateLifecoach(db);
  const insertCheckin = db.prepare(`
    INSERT INTO lifecoach_checkins (id, person, trigger, started_at, finished_at, outcome, reason, context, prompt_hash, model, model_digest, options, timings, message, dropped, delivered, capture_count)
    VALUES (@id, @person, @trigger, @started_at, @finished_at, @outcome, @reason, @context, @prompt_hash, @model, @model_digest, @options, @timings, @message, @dropped, @delivered, @capture_count)`);
  const insertCapture = db.prepare(`
    INSERT INTO lifecoach_captures (checkin, at, camera, why, outcome, detail, ms, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const writeCaptures = (checkin: string | null, captures: readonly CaptureRecord[]): void => {
    for (const c of captures)
      insertCapture.run(checkin, c.at, c.camera, c.why, c.outcome, c.detail ?? null, Math.round(c.ms), c.bytes ?? null);
  };
  const save = db.transaction((record: CheckinRecord, captures: readonly CaptureRecord[]) => {
    insertCheckin.run({
      ...record,
      context: json(record.context),
      options: json(record.options),
      timings: JSON.stringify(record.timings),
      message: json(record.message),
      dropped: JSON.stringify(record.dropped),
      delivered: record.delivered ? 1 : 0,
      capture_count: captures.length,
    });
    writeCaptures(record.id, captures);
  });
  const saveCaptures = db.transaction((captures: readonly CaptureRecord[]) => writeCaptures(null, captures));

  return {
    save: (record, captures) => save(record, captures),
    saveCaptures: (captures) => saveCaptures(captures),
    get(id) {
      const row = db.prepare('SELECT * FROM lifecoach_checkins WHERE id = ?').get(id) as Row | undefined;
      return row && fromRow(row);
    },
    list(options = {}) {
      const rows = db
        .prepare(
          `SELECT * FROM lifecoach_checkins WHERE started_at < ? AND (? IS NULL OR person = ?) ORDER BY started_at DESC, rowid DESC LIMIT ?`,
        )
        .all(
          options.before ?? Number.MAX_SAFE_INTEGER,
          options.person ?? null,
          options.person ?? null,
          Math.min(options.limit ?? 20, 500),
        ) as Row[];
      return rows.map(fromRow);
    },
    recent(person, limit) {
      if (limit <= 0) return [];
      const rows = db
        .prepare(
          `SELECT started_at, message FROM lifecoach_checkins WHERE person = ? AND outcome != 'skipped' AND message IS NOT NULL ORDER BY started_at DESC LIMIT ?`,
        )
        .all(person, limit) as Array<{ started_at: number; message: string }>;
      return rows.map((r) => {
        const m = JSON.parse(r.message) as CheckinMessage;
        return { at: r.started_at, summary: m.summary, routines: m.routines };
      });
    },
    captures(checkin) {
      const rows = db
        .prepare('SELECT at, camera, why, outcome, detail, ms, bytes FROM lifecoach_captures WHERE checkin = ? ORDER BY id')
        .all(checkin) as Array<CaptureRecord & { detail: string | null; bytes: number | null }>;
      return rows.map(({ detail, bytes, ...rest }) => ({
        ...rest,
        ...(detail !== null ? { detail } : {}),
        ...(bytes !== null ? { bytes } : {}),
      }));
    },
    setting(key) {
      const row = db.prepare('SELECT value FROM lifecoach_settings WHERE key = ?').get(key) as { value: string } | undefined;
      return row?.value;
    },
    setSetting(key, value, at) {
      db.prepare(
        'INSERT INTO lifecoach_settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      ).run(key, value, at);
    },
  };
}
