/**
 * A household in a temp dir, built from a valid base plus per-test edits, loaded through the
 * real loader; issue file names come back relative to the temp dir (`hearth.yaml`,
 * `devices/x.yaml`) so tests assert exactly what a person would see.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { expect } from 'vitest';
import { checkHousehold } from '../../../src/config/load.js';
import { formatIssue, type ConfigIssue } from '../../../src/config/issues.js';
import type { HouseholdResult } from '../../../src/config/parse.js';

export const BASE_CONFIG = `
timezone: Europe/London
people:
  - id: sam
    name: Sam
trackers:
  - id: sam-iphone
    person: sam
    type: irk
    irk: 0123456789abcdef0123456789abcdef
  - id: sam-watch
    person: sam
    type: irk
    irk: fedcba9876543210fedcba9876543210
routines:
  - id: kitchen-meds
    title: Take the meds
    due:
      daily: ["08:00"]
`;

export const button = (name: string, extra: { button?: string; led?: string; routine?: string; board?: string } = {}): string => `
kind: reminder-button
name: ${name}
board: ${extra.board ?? 'esp32dev'}
routine: ${extra.routine ?? 'kitchen-meds'}
button:
  pin: ${extra.button ?? 'GPIO25'}
led:
  pin: ${extra.led ?? 'GPIO26'}
`;

export const presence = (name: string, room: string, extra = ''): string => `
kind: presence-node
name: ${name}
board: esp32dev
room: ${room}
tracks: [sam-iphone, sam-watch]
${extra}`;

export interface Loaded extends HouseholdResult {
  /** Issues as `formatIssue` prints them. */
  lines: string[];
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

/** Writes `files` (path → content; `hearth.yaml` defaults to BASE_CONFIG) and loads them. */
export async function loadFiles(files: Record<string, string>): Promise<Loaded> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-config-'));
  try {
    await mkdir(join(dir, 'devices'));
    for (const [path, text] of Object.entries({ 'hearth.yaml': BASE_CONFIG, ...files })) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    const result = await checkHousehold({ configFile: join(dir, 'hearth.yaml'), devicesDir: join(dir, 'devices') });
    const rel = (issue: ConfigIssue): ConfigIssue => ({
      ...issue,
      file: relative(dir, issue.file),
      message: issue.message.replaceAll(`${dir}${sep}`, ''),
    });
    const issues = result.issues.map(rel);
    const household = result.household && {
      ...result.household,
      configFile: relative(dir, result.household.configFile),
      devices: result.household.devices.map((d) => ({ ...d, file: relative(dir, d.file) })),
      warnings: result.household.warnings.map(rel),
    };
    return {
      household,
      issues,
      lines: issues.map(formatIssue),
      errors: issues.filter((i) => i.severity === 'error'),
      warnings: issues.filter((i) => i.severity === 'warning'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Exactly one error, at this file and path, whose message has every one of `words`. */
export function expectOnlyError(loaded: Loaded, file: string, path: string, ...words: string[]): ConfigIssue {
  expect(loaded.errors.map(formatIssue)).toHaveLength(1);
  return expectIssue(loaded, 'error', file, path, ...words);
}

export function expectIssue(
  loaded: Loaded,
  severity: ConfigIssue['severity'],
  file: string,
  path: string,
  ...words: string[]
): ConfigIssue {
  const issue = loaded.issues.find((i) => i.severity === severity && i.file === file && i.path === path);
  expect(issue, `no ${severity} at ${file}: ${path} in:\n${loaded.lines.join('\n')}`).toBeDefined();
  for (const word of words) expect(issue!.message).toContain(word);
  return issue!;
}
