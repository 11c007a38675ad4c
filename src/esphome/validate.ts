/**
 * Runs the real `esphome config FILE` on generated configs, in parallel, in a temp copy of
 * the files so that ESPHome's `.esphome/` scratch dir and a placeholder `secrets.yaml` never
 * touch the out dir. The placeholder (values of the right shape: the API key is valid base64
 * of 32 bytes) is used when the out dir has no `secrets.yaml`; otherwise that file's content is
 * copied (a symlink could point outside what a sandboxed `esphome` can see).
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { isGenerated } from './render.js';
import { placeholderSecrets } from './secrets.js';
import type { SecretKind } from '../config/secret-names.js';

export interface ValidateOptions {
  /** Command that runs ESPHome, split on spaces: `esphome`, `toolchain/esphome`, `python3 -m esphome`. */
  esphome?: string;
  /** Parallel `esphome config` processes; default: CPU count. */
  jobs?: number;
  /** A real secrets.yaml to validate with instead of placeholders. */
  secretsFile?: string;
  /** Called with `[3/9] kitchen-meds-button ok` lines as results come in. */
  onProgress?: (line: string) => void;
  /** Per file; default 5 minutes. */
  timeoutMs?: number;
  /**
   * ESPHome subcommand and flags run on each file: `['config']` (default), or
   * `['compile', '--only-generate']`, which also runs ESPHome's C++ code generation (offline,
   * no toolchain download; the C++ lands in `<workDir>/.esphome/build/<name>/src/`).
   */
  esphomeArgs?: readonly string[];
  /** Run in this directory (kept afterwards) instead of a temp dir that is removed. */
  workDir?: string;
}

export interface FileResult {
  file: string;
  device: string;
  ok: boolean;
  exitCode: number | null;
  /** esphome's stdout + stderr (kept for failures; empty for a pass). */
  output: string;
  /** esphome's `WARNING …` lines (for passes too). */
  warnings: string[];
  ms: number;
}

export interface ValidateResult {
  ok: boolean;
  results: FileResult[];
  ms: number;
}

/** Config keys whose secret needs a particular shape (ESPHome validates the value behind `!secret`). */
const SHAPED_KEYS: Readonly<Record<string, SecretKind>> = {
  key: 'api_key',
  ssid: 'wifi_ssid',
  irk: 'irk',
  mac_address: 'mac',
  ibeacon_uuid: 'ibeacon_uuid',
};

/** Secret names referenced by generated files; `key: !secret X` (API encryption) needs a key's shape. */
export function referencedSecrets(texts: readonly string[]): { name: string; kind: SecretKind }[] {
  const found = new Map<string, SecretKind>();
  for (const text of texts) {
    for (const match of text.matchAll(/^(\s*)([\w-]+): !secret (\S+)\s*$/gm)) {
      const [, , key, name] = match;
      if (found.get(name!) === 'api_key') continue;
      found.set(name!, SHAPED_KEYS[key!] ?? 'wifi_password');
    }
  }
  return [...found].map(([name, kind]) => ({ name, kind })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The generated configs in a directory (files carrying our header), sorted. */
export async function generatedFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n) && n !== 'secrets.yaml').sort();
  const files: string[] = [];
  for (const name of names) if (isGenerated(await readFile(join(dir, name), 'utf8'))) files.push(join(dir, name));
  return files;
}

function run(argv: readonly string[], cwd: string, timeoutMs: number): Promise<{ exitCode: number | null; output: string }> {
  return new Promise((resolvePromise) => {
    const [command, ...args] = argv;
    const child = spawn(command!, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    const timer = setTimeout(() => {
      chunks.push(Buffer.from(`\n[hearth] timed out after ${timeoutMs} ms\n`));
      child.kill('SIGTERM');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolvePromise({ exitCode: null, output: `cannot run ${command}: ${error.message}` });
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolvePromise({ exitCode, output: Buffer.concat(chunks).toString('utf8') });
    });
  });
}

/** Runs `<esphome> config <file>` (or `esphomeArgs`) on every file; never throws for a failing file. */
export async function validateFiles(files: readonly string[], options: ValidateOptions = {}): Promise<ValidateResult> {
  const started = performance.now();
  const argv = (options.esphome ?? 'esphome').split(/\s+/).filter(Boolean);
  // esphome runs in a temp dir: a relative command path (toolchain/esphome) means from here.
  if (argv[0]?.includes('/')) argv[0] = resolve(argv[0]);
  const jobs = Math.max(1, options.jobs ?? availableParallelism());
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  const esphomeArgs = options.esphomeArgs ?? ['config'];
  const work = options.workDir ? resolve(options.workDir) : await mkdtemp(join(tmpdir(), 'hearth-esphome-validate-'));
  if (options.workDir) await mkdir(work, { recursive: true });
  try {
    const texts: string[] = [];
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      texts.push(text);
      await writeFile(join(work, basename(file)), text);
    }
    if (options.secretsFile) await copyFile(options.secretsFile, join(work, 'secrets.yaml'));
    else await writeFile(join(work, 'secrets.yaml'), placeholderSecrets(referencedSecrets(texts)));

    const results: FileResult[] = new Array<FileResult>(files.length);
    let next = 0;
    let done = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const i = next++;
        const file = files[i]!;
        const device = basename(file).replace(/\.ya?ml$/, '');
        const t = performance.now();
        const { exitCode, output } = await run([...argv, ...esphomeArgs, join(work, basename(file))], work, timeoutMs);
        const ok = exitCode === 0;
        const warnings = [...new Set(output.split('\n').filter((l) => l.startsWith('WARNING ')))];
        results[i] = { file, device, ok, exitCode, output: ok ? '' : output, warnings, ms: Math.round(performance.now() - t) };
        done++;
        options.onProgress?.(
          `[${done}/${files.length}] ${device} ${ok ? 'ok' : 'FAILED'} (${((performance.now() - t) / 1000).toFixed(1)} s)`,
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, worker));
    return { ok: results.every((r) => r.ok), results, ms: Math.round(performance.now() - started) };
  } finally {
    if (!options.workDir) await rm(work, { recursive: true, force: true });
  }
}

/** Validates every generated file in a directory, with its secrets.yaml if it has one. */
export async function validateDir(dir: string, options: ValidateOptions = {}): Promise<ValidateResult> {
  const files = await generatedFiles(dir);
  let secretsFile = options.secretsFile;
  if (!secretsFile) {
    const candidate = join(dir, 'secrets.yaml');
    secretsFile = await readFile(candidate).then(
      () => candidate,
      () => undefined,
    );
  }
  return validateFiles(files, { ...options, ...(secretsFile ? { secretsFile } : {}) });
}
