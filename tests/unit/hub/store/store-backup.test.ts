/**
 * `hearth backup FILE` (restic's backupPrepareCommand): the destination is only ever the
 * previous copy or a complete new one. The copy is written to `<FILE>.tmp-<pid>` beside it,
 * fsynced and renamed; a failure removes the temporary file and leaves FILE as it was.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupStoreFile, createStore } from '../../../../src/hub/store/store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A store with enough history for a backup of several steps (100 pages each). */
function storeWith(records: number): { dir: string; source: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-backup-'));
  dirs.push(dir);
  const source = join(dir, 'hearth.sqlite');
  const store = createStore({ path: source });
  store.transaction(() => {
    for (let i = 0; i < records; i++) store.record({ at: i, kind: 'press', routine: 'r', detail: { pad: 'x'.repeat(200) } });
  });
  store.close();
  return { dir, source };
}
const count = (file: string): number => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM history').get() as { n: number }).n;
  } finally {
    db.close();
  }
};
const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.includes('.tmp-'));

describe('hearth backup', () => {
  it('a backup that fails half-way leaves an existing destination untouched and no temporary file', async () => {
    const { dir, source } = storeWith(5000);
    const dest = join(dir, 'backup.sqlite');
    await backupStoreFile(source, dest);
    const before = readFileSync(dest);
    let steps = 0;
    await expect(
      backupStoreFile(source, dest, {
        progress: ({ totalPages, remainingPages }) => {
          expect(totalPages).toBeGreaterThan(200);
          // Mid-way, the destination is still the old copy, byte for byte.
          expect(readFileSync(dest).equals(before)).toBe(true);
          if (++steps === 2 && remainingPages > 0) throw new Error('disk full (simulated)');
        },
      }),
    ).rejects.toThrow('disk full (simulated)');
    expect(readFileSync(dest).equals(before)).toBe(true);
    expect(count(dest)).toBe(5000);
    expect(leftovers(dir)).toEqual([]);
  });

  it('no destination yet: none appears before the copy is complete, and none after a failure', async () => {
    const { dir, source } = storeWith(5000);
    const dest = join(dir, 'backup.sqlite');
    const seen: boolean[] = [];
    await expect(
      backupStoreFile(source, dest, {
        progress: () => {
          seen.push(existsSync(dest));
          if (seen.length === 2) throw new Error('interrupted (simulated)');
        },
      }),
    ).rejects.toThrow('interrupted');
    expect(seen).toEqual([false, false]);
    expect(existsSync(dest)).toBe(false);
    expect(leftovers(dir)).toEqual([]);

    await backupStoreFile(source, dest);
    expect(count(dest)).toBe(5000);
    expect(leftovers(dir)).toEqual([]);
  });

  it('an unreadable source fails and leaves the destination as it was', async () => {
    const { dir, source } = storeWith(10);
    const dest = join(dir, 'backup.sqlite');
    await backupStoreFile(source, dest);
    const before = readFileSync(dest);
    await expect(backupStoreFile(join(dir, 'missing.sqlite'), dest)).rejects.toThrow();
    expect(readFileSync(dest).equals(before)).toBe(true);
    expect(leftovers(dir)).toEqual([]);
  });
});
