/** The coach's SQLite tables: migrations, records, and complete-or-none writes (also under kill -9). */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCheckinStore, migrateLifecoach, type CheckinRecord } from '../../../src/lifecoach/store.js';

const record = (id: string, at: number, overrides: Partial<CheckinRecord> = {}): CheckinRecord => ({
  id,
  person: 'sam',
  trigger: 'schedule',
  started_at: at,
  finished_at: at + 10,
  outcome: 'data',
  reason: 'ollama_unreachable',
  context: null,
  prompt_hash: 'ab'.repeat(32),
  model: 'qwen3-vl:4b-instruct',
  model_digest: null,
  options: { num_ctx: 8192 },
  timings: { total_ms: 10, capture_ms: 5 },
  message: {
    source: 'data',
    reason: 'x',
    summary: `summary ${id}`,
    message: 'm',
    observations: [],
    routines: ['morning-meds'],
    actionable: [],
  },
  dropped: [],
  delivered: true,
  ...overrides,
});

describe('lifecoach store', () => {
  it('migrates idempotently beside other tables', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE history (id INTEGER PRIMARY KEY)');
    migrateLifecoach(db);
    migrateLifecoach(db);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map(
      (t) => t.name,
    );
    expect(tables).toEqual(
      expect.arrayContaining(['history', 'lifecoach_checkins', 'lifecoach_captures', 'lifecoach_settings', 'lifecoach_schema']),
    );
    expect(db.prepare('SELECT COUNT(*) AS n FROM lifecoach_schema').get()).toEqual({ n: 1 });
  });

  it('stores a check-in with its captures and reads it back', () => {
    const store = createCheckinStore(new Database(':memory:'));
    const captures = [
      { at: 1, camera: 'desk', why: 'checkin:a', outcome: 'ok', ms: 300, bytes: 90_000 },
      { at: 2, camera: 'door', why: 'checkin:a', outcome: 'missing', detail: '/dev/video9: No such file or directory', ms: 20 },
    ];
    store.save(record('a', 1000), captures);
    expect(store.get('a')).toEqual(record('a', 1000));
    expect(store.captures('a')).toEqual(captures);
    store.save(record('b', 2000), []);
    store.save(record('s', 3000, { outcome: 'skipped', message: null }), []);
    expect(store.list().map((r) => r.id)).toEqual(['s', 'b', 'a']);
    expect(store.list({ before: 2000, limit: 5 }).map((r) => r.id)).toEqual(['a']);
    expect(store.recent('sam', 5)).toEqual([
      { at: 2000, summary: 'summary b', routines: ['morning-meds'] },
      { at: 1000, summary: 'summary a', routines: ['morning-meds'] },
    ]);
    store.setSetting('cameras', 'off', 5);
    store.setSetting('cameras', 'on', 6);
    expect(store.setting('cameras')).toBe('on');
  });

  it('writes a check-in completely or not at all', () => {
    const db = new Database(':memory:');
    const store = createCheckinStore(db);
    const bad = [{ at: 1, camera: null as unknown as string, why: 'x', outcome: 'ok', ms: 1 }];
    expect(() => store.save(record('a', 1), bad)).toThrow(/NOT NULL/);
    expect(store.get('a')).toBeUndefined();
    expect(db.prepare('SELECT COUNT(*) AS n FROM lifecoach_captures').get()).toEqual({ n: 0 });
  });

  it('a kill -9 mid-write leaves only complete records, and the next writer goes on', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hearth-coach-')), 'hearth.sqlite');
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'helpers', 'store-writer.ts'), path], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`writer exited early (${code})`)));
    });
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const db = new Database(path);
    const store = createCheckinStore(db);
    const rows = db
      .prepare(
        'SELECT c.id, c.capture_count, COUNT(k.id) AS n FROM lifecoach_checkins c LEFT JOIN lifecoach_captures k ON k.checkin = c.id GROUP BY c.id',
      )
      .all() as Array<{ id: string; capture_count: number; n: number }>;
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) expect(row.n, row.id).toBe(row.capture_count);
    const orphans = db
      .prepare('SELECT COUNT(*) AS n FROM lifecoach_captures WHERE checkin NOT IN (SELECT id FROM lifecoach_checkins)')
      .get();
    expect(orphans).toEqual({ n: 0 });
    store.save(record('after', Date.now()), [{ at: 1, camera: 'desk', why: 'x', outcome: 'ok', ms: 1 }]);
    expect(store.get('after')?.id).toBe('after');
  }, 60_000);
});
