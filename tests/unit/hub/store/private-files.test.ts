/**
 * The store and its backups hold where a person was and when, and their medication routine:
 * every such file is created 0600 and its folder 0700, under the usual umask 022 (which
 * leaves SQLite's and Node's defaults world-readable: 0644 / 0755).
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupStoreFile, createStore } from '../../../../src/hub/store/store.js';

const mode = (p: string): string => (statSync(p).mode & 0o777).toString(8);
let previousUmask: number;
const dirs: string[] = [];
beforeAll(() => {
  previousUmask = process.umask(0o022);
});
afterAll(() => {
  process.umask(previousUmask);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'hearth-private-'));
  chmodSync(d, 0o755); // as a folder the person made themselves
  dirs.push(d);
  return d;
};

describe('private files (umask 022)', () => {
  it('the state folder, the store and its WAL and SHM files', () => {
    const state = join(tmp(), 'state');
    const path = join(state, 'hearth.sqlite');
    const store = createStore({ path });
    store.record({ at: 1, kind: 'done', routine: 'meds' });
    expect(readdirSync(state).sort()).toEqual(['hearth.sqlite', 'hearth.sqlite-shm', 'hearth.sqlite-wal']);
    expect(mode(state)).toBe('700');
    expect(mode(path)).toBe('600');
    expect(mode(`${path}-wal`)).toBe('600');
    expect(mode(`${path}-shm`)).toBe('600');
    store.close();
  });

  it('tightens a store an older hearth left world-readable, in an existing folder', () => {
    const state = join(tmp(), 'state');
    mkdirSync(state, { mode: 0o755 });
    const path = join(state, 'hearth.sqlite');
    createStore({ path }).close();
    chmodSync(path, 0o644);
    writeFileSync(`${path}-wal`, '');
    chmodSync(`${path}-wal`, 0o644);
    const store = createStore({ path });
    store.record({ at: 1, kind: 'done', routine: 'meds' });
    expect(mode(state)).toBe('700');
    expect(mode(path)).toBe('600');
    expect(mode(`${path}-wal`)).toBe('600');
    expect(mode(`${path}-shm`)).toBe('600');
    store.close();
  });

  it("backups: `hearth backup FILE` and the live store's backup", async () => {
    const dir = tmp();
    const source = join(dir, 'state', 'hearth.sqlite');
    const store = createStore({ path: source });
    store.record({ at: 1, kind: 'done', routine: 'meds' });
    await store.backup(join(dir, 'live.sqlite'));
    store.close();
    await backupStoreFile(source, join(dir, 'cli.sqlite'));
    expect(mode(join(dir, 'live.sqlite'))).toBe('600');
    expect(mode(join(dir, 'cli.sqlite'))).toBe('600');
    // Replacing an older world-readable copy gives a private one.
    writeFileSync(join(dir, 'old.sqlite'), '');
    chmodSync(join(dir, 'old.sqlite'), 0o644);
    await backupStoreFile(source, join(dir, 'old.sqlite'));
    expect(mode(join(dir, 'old.sqlite'))).toBe('600');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
