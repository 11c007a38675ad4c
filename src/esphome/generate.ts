/**
 * Writes `<device-name>.yaml` for every device spec, all or nothing:
 *  1. every file is rendered in memory first; one failing spec → nothing is written;
 *  2. the files go into a temp dir beside the out dir, which then replaces the out dir
 *     (a failed run leaves the old output exactly as it was);
 *  3. what else lives in the out dir (ESPHome's `.esphome/` build cache, a `secrets.yaml`,
 *     hand-written files) moves over, except generated files of removed devices: files
 *     carrying our header that no spec makes any more are dropped.
 */
import * as nodeFs from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Household } from '../config/household.js';
import { ConfigError, configError, type ConfigIssue } from '../config/issues.js';
import { renderDevice } from './emit.js';
import { isGenerated } from './render.js';

export interface RenderedFile {
  /** `<device-name>.yaml` */
  fileName: string;
  /** The spec file it came from. */
  source: string;
  text: string;
}

/** Renders every device; throws one ConfigError with the problems of all of them. */
export function renderHousehold(household: Household): RenderedFile[] {
  const issues: ConfigIssue[] = [];
  const files: RenderedFile[] = [];
  const seen = new Map<string, string>();
  for (const device of household.devices) {
    try {
      const text = renderDevice(device, household);
      const fileName = `${device.spec.name}.yaml`;
      const other = seen.get(fileName);
      if (other) {
        issues.push(configError(device.file, 'name', `"${device.spec.name}" is also the name of ${other}`));
        continue;
      }
      seen.set(fileName, device.file);
      files.push({ fileName, source: device.file, text });
    } catch (error) {
      if (error instanceof ConfigError) issues.push(...error.issues);
      else throw error;
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return files;
}

/** The file operations writeGenerated uses; tests swap one to fail mid-way. */
export type GenerateFs = Pick<
  typeof nodeFs,
  'mkdir' | 'mkdtemp' | 'chmod' | 'writeFile' | 'readFile' | 'readdir' | 'rename' | 'rm' | 'symlink' | 'stat' | 'lstat'
>;

export interface WriteOptions {
  outDir: string;
  /** The person's real secrets file; `secrets.yaml` in the out dir becomes a symlink to it. */
  secretsFile?: string;
  fs?: GenerateFs;
}

export interface WriteResult {
  outDir: string;
  written: string[];
  /** Generated files of devices that no longer exist. */
  removed: string[];
  /** Other entries carried over from the old out dir (`.esphome`, `secrets.yaml`, …). */
  kept: string[];
}

const exists = async (fs: GenerateFs, path: string): Promise<boolean> =>
  fs.lstat(path).then(
    () => true,
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return false;
      throw e;
    },
  );

export async function writeGenerated(files: readonly RenderedFile[], options: WriteOptions): Promise<WriteResult> {
  const fs = options.fs ?? nodeFs;
  const outDir = resolve(options.outDir);
  const parent = dirname(outDir);
  const secretsTarget = options.secretsFile ? resolve(options.secretsFile) : undefined;
  // A --secrets that is not there is bad input like any config problem: named, exit 2, nothing written.
  if (secretsTarget && !(await exists(fs, secretsTarget)))
    throw new ConfigError([configError(options.secretsFile!, '', 'secrets file not found (--secrets: your ESPHome secrets.yaml)')]);

  // What the old out dir holds, decided before anything changes.
  const newNames = new Set(files.map((f) => f.fileName));
  if (secretsTarget) newNames.add('secrets.yaml');
  const removed: string[] = [];
  const kept: string[] = [];
  const hadOld = await exists(fs, outDir);
  if (hadOld) {
    if (!(await fs.stat(outDir)).isDirectory()) throw new Error(`${options.outDir} exists and is not a directory`);
    for (const entry of await fs.readdir(outDir, { withFileTypes: true })) {
      if (newNames.has(entry.name)) continue;
      if (entry.isFile() && /\.ya?ml$/.test(entry.name) && isGenerated(await fs.readFile(join(outDir, entry.name), 'utf8'))) {
        removed.push(entry.name);
      } else kept.push(entry.name);
    }
  }

  await fs.mkdir(parent, { recursive: true });
  const tmp = await fs.mkdtemp(join(parent, `.${basename(outDir)}.new-`));
  const moved: string[] = [];
  try {
    await fs.chmod(tmp, 0o755); // mkdtemp makes it private; the out dir is ordinary build output
    for (const file of files) await fs.writeFile(join(tmp, file.fileName), file.text);
    if (secretsTarget) await fs.symlink(secretsTarget, join(tmp, 'secrets.yaml'));
    // Carry the rest over (renames: cheap even for a big .esphome build cache).
    for (const name of kept) {
      await fs.rename(join(outDir, name), join(tmp, name));
      moved.push(name);
    }
  } catch (error) {
    await restore(fs, moved, tmp, outDir);
    await fs.rm(tmp, { recursive: true, force: true });
    throw error;
  }

  // The swap: old out aside, new one in place, old one gone.
  const old = `${tmp}.old`;
  try {
    if (hadOld) await fs.rename(outDir, old);
    try {
      await fs.rename(tmp, outDir);
    } catch (error) {
      if (hadOld) await fs.rename(old, outDir);
      throw error;
    }
  } catch (error) {
    await restore(fs, moved, tmp, outDir);
    await fs.rm(tmp, { recursive: true, force: true });
    throw error;
  }
  if (hadOld) await fs.rm(old, { recursive: true, force: true });
  return { outDir: options.outDir, written: files.map((f) => f.fileName), removed, kept };
}

/** Puts carried-over entries back into the old out dir after a failed run. */
async function restore(fs: GenerateFs, moved: readonly string[], from: string, to: string): Promise<void> {
  for (const name of moved) await fs.rename(join(from, name), join(to, name)).catch(() => undefined);
}

/** Render everything, then write it atomically. */
export async function generate(household: Household, options: WriteOptions): Promise<WriteResult> {
  return writeGenerated(renderHousehold(household), options);
}
