/**
 * Files that hold a person's data (where they were, their medication routine) or a secret are
 * private to hearth's user: files 0600, folders 0700, whatever the umask. The mode is set
 * explicitly after creation (a umask can only take bits away, and 0644 is what SQLite and
 * most tools create by default).
 *
 * SQLite gives a database's `-wal`, `-shm` and `-journal` files the permissions of the
 * database file itself (os_unix.c, `findCreateFileMode`, applied with fchmod), so a private
 * database file keeps its companions private too.
 */
import { chmodSync, closeSync, existsSync, fchmodSync, mkdirSync, openSync, statSync } from 'node:fs';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Creates `dir` (and missing parents) and makes it 0700 when hearth's user owns it (a folder
 * someone else provides, e.g. group-writable, is left as it is: the files in it are private
 * all the same). Throws what mkdir throws.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (statSync(dir).uid === process.getuid?.()) chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Makes `file` 0600: creates it empty when absent (never truncates one that exists), and
 * tightens one an older hearth left world-readable.
 */
export function ensurePrivateFile(file: string): void {
  const fd = openSync(file, 'a', PRIVATE_FILE_MODE);
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } finally {
    closeSync(fd);
  }
}

/** 0600 on each of `files` that exists (a database's `-wal` / `-shm` left by an older hearth). */
export function tightenIfPresent(...files: string[]): void {
  for (const f of files) if (existsSync(f)) chmodSync(f, PRIVATE_FILE_MODE);
}
