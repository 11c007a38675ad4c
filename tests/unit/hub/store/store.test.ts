import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../../src/hub/store/migrations.js';
import { backupStoreFile, createStore, migrate, storePath } from '../../../../src/hub/store/store.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'hearth-store-'));

describe('store', () => {
  it('migrates a new database to the latest version, in WAL with synchronous FULL', () => {
    const path = join(tmp(), 'state', 'hearth.sqlite');
    const store = createStore({ path });
    expect(store.schemaVersion).toBe(MIGRATIONS.at(-1)!.version);
    store.close();
    const db = new Database(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{ version: number }>;
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
    db.close();
  });

  it('applies only newer migrations, in order, and refuses a newer schema', () => {
    const db = new Database(':memory:');
    expect(migrate(db, MIGRATIONS.slice(0, 1))).toBe(1);
    expect(migrate(db, MIGRATIONS)).toBe(2);
    expect(migrate(db, MIGRATIONS)).toBe(2);
    expect(() => migrate(db, MIGRATIONS.slice(0, 1))).toThrow(/newer than this hearth knows/);
    const extra = [...MIGRATIONS, { version: 3, name: 'broken', sql: 'CREATE TABLE history (x)' }];
    expect(() => migrate(db, extra)).toThrow();
    // the failed migration left nothing behind
    expect((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(2);
  });

  it('records history, reminder state, handled presses and discovery topics across reopen', () => {
    const path = join(tmp(), 'hearth.sqlite');
    let store = createStore({ path });
    store.record({ at: 1000, kind: 'press', routine: 'meds', device: 'kitchen', source: 'button', detail: { press: 'single' } });
    store.record({ at: 2000, kind: 'done', routine: 'meds', source: 'button' });
    store.saveReminderState('meds', { phase: 'done', led: false }, 2000);
    store.markPressHandled('event.kitchen_button', '2000', 2000);
    store.setDiscoveryTopics(['b', 'a', 'a'], 2000);
    store.close();

    store = createStore({ path });
    expect(store.history({ routine: 'meds' }).map((r) => [r.kind, r.detail])).toEqual([
      ['done', null],
      ['press', { press: 'single' }],
    ]);
    expect(store.doneTimes('meds', 0)).toEqual([2000]);
    expect(store.loadReminderStates().get('meds')).toEqual({ phase: 'done', led: false });
    expect(store.lastHandledPress('event.kitchen_button')).toBe('2000');
    expect(store.discoveryTopics()).toEqual(['a', 'b']);
    expect(store.healthy()).toBe(true);
    store.close();
    expect(store.healthy()).toBe(false);
  });

  it('backs up a consistent copy while the store is open', async () => {
    const dir = tmp();
    const store = createStore({ path: join(dir, 'hearth.sqlite') });
    for (let i = 0; i < 100; i++) store.record({ at: i, kind: 'press', routine: 'r' });
    await store.backup(join(dir, 'copy1.sqlite'));
    await backupStoreFile(join(dir, 'hearth.sqlite'), join(dir, 'copy2.sqlite'));
    store.close();
    for (const copy of ['copy1.sqlite', 'copy2.sqlite']) {
      const db = new Database(join(dir, copy), { readonly: true });
      expect((db.prepare('SELECT COUNT(*) AS n FROM history').get() as { n: number }).n).toBe(100);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
    }
  });

  it('lives in state_dir, $STATE_DIRECTORY or ./state', () => {
    expect(storePath('/var/lib/x/')).toBe('/var/lib/x/hearth.sqlite');
    expect(storePath(undefined, { STATE_DIRECTORY: '/var/lib/hearth:/other' })).toBe('/var/lib/hearth/hearth.sqlite');
    expect(storePath(undefined, {})).toBe('state/hearth.sqlite');
  });

  it("a transaction lands whole or not at all (a step's records and state together)", () => {
    const store = createStore({ path: ':memory:' });
    expect(() =>
      store.transaction(() => {
        store.record({ at: 1, kind: 'press', routine: 'meds' });
        store.record({ at: 1, kind: 'done', routine: 'meds' });
        throw new Error('killed between the records and the state');
      }),
    ).toThrow(/killed/);
    expect(store.history()).toEqual([]);
    expect(store.loadReminderStates().size).toBe(0);
    const id = store.transaction(() => {
      store.saveReminderState('meds', { phase: 'done' }, 2);
      return store.transaction(() => store.record({ at: 2, kind: 'done', routine: 'meds' }));
    });
    expect(store.history().map((r) => r.id)).toEqual([id]);
    expect(store.loadReminderStates().get('meds')).toEqual({ phase: 'done' });
    store.close();
  });
});
