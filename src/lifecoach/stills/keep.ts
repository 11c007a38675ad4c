/**
 * Stills on disk, only when `lifecoach.keep_stills` is set: `<dir>/<camera>/<timestamp>.jpg`,
 * files 0600 in folders 0700 (webcam stills are private, even from other local users), written
 * whole (temporary file, then rename) and removed after the retention.
 */
import { chmod, mkdir, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Still } from './camera-set.js';

export interface StillsKeeper {
  /** Writes the still; resolves to its path. */
  save(still: Still): Promise<string>;
  /** Deletes stills older than the retention; resolves to how many were deleted. */
  prune(): Promise<number>;
}

async function privateDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  // mkdir leaves an existing folder's mode alone (and the umask may narrow a new one): set it.
  await chmod(path, 0o700);
}

const fileName = (at: number): string => `${new Date(at).toISOString().replace(/[:]/g, '-')}.jpg`;

/** The capture time a kept still's name carries (`2026-11-30T12-00-00.000Z.jpg`), or undefined. */
function capturedAtOf(file: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2}\.\d{3})Z\.jpg$/.exec(file);
  if (!m) return undefined;
  const t = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}Z`);
  return Number.isFinite(t) ? t : undefined;
}

export function createStillsKeeper(deps: { dir: string; retentionSeconds: number; now?: () => number }): StillsKeeper {
  const now = deps.now ?? Date.now;
  return {
    async save(still) {
      await privateDir(deps.dir);
      const folder = join(deps.dir, still.camera);
      await privateDir(folder);
      const path = join(folder, fileName(still.capturedAt));
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, still.jpeg, { mode: 0o600, flag: 'wx' });
      await rename(temporary, path);
      return path;
    },
    async prune() {
      const cutoff = now() - deps.retentionSeconds * 1000;
      let removed = 0;
      let cameras: string[];
      try {
        cameras = await readdir(deps.dir);
      } catch {
        return 0;
      }
      for (const camera of cameras) {
        const folder = join(deps.dir, camera);
        let files: string[];
        try {
          files = await readdir(folder);
        } catch {
          continue;
        }
        for (const file of files) {
          if (!file.endsWith('.jpg')) continue;
          const path = join(folder, file);
          // The capture time in the name; the file's mtime only for a name that does not carry one.
          const at = capturedAtOf(file) ?? (await stat(path).catch(() => undefined))?.mtimeMs;
          if (at !== undefined && at < cutoff) {
            await unlink(path).catch(() => {});
            removed++;
          }
        }
      }
      return removed;
    },
  };
}
