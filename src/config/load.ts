/**
 * The I/O edge of configuration: reads hearth.yaml and devices/*.yaml, hands their values
 * to the pure parse (parse.ts) and throws one ConfigError listing every problem.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Household } from './household.js';
import { ConfigError, configError, errorsOf } from './issues.js';
import { parseHousehold, type HouseholdResult, type SourceDoc } from './parse.js';
import { readYamlFile } from './yaml-file.js';

export interface LoadOptions {
  /** Default `hearth.yaml` (relative to the cwd). */
  configFile?: string;
  /** Default `devices`; every `*.yaml` / `*.yml` in it is one device spec. */
  devicesDir?: string;
}

/** Loads and checks the household; never throws for configuration problems. */
export async function checkHousehold({ configFile = 'hearth.yaml', devicesDir = 'devices' }: LoadOptions = {}): Promise<HouseholdResult> {
  const configDoc = await readYamlFile(configFile, { secretTags: true });
  const listed = await listSpecFiles(devicesDir);
  const deviceDocs: SourceDoc[] = await Promise.all(listed.files.map((f) => readYamlFile(f)));
  const result = parseHousehold(configDoc, deviceDocs);
  if (!listed.problem) return result;
  return { issues: [listed.problem, ...result.issues] };
}

/** Loads and checks the household; throws ConfigError with every error if there is any. */
export async function loadHousehold(options: LoadOptions = {}): Promise<Household> {
  const { household, issues } = await checkHousehold(options);
  if (!household || errorsOf(issues).length > 0) throw new ConfigError(issues);
  return household;
}

/** Spec files in a directory, sorted by name so that every run sees them in the same order. */
async function listSpecFiles(dir: string): Promise<{ files: string[]; problem?: ReturnType<typeof configError> }> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    const names = entries
      .filter((e) => e.isFile() && !e.name.startsWith('.') && /\.ya?ml$/.test(e.name))
      .map((e) => e.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { files: names.map((n) => join(dir, n)) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      files: [],
      problem: configError(dir, '', code === 'ENOENT' ? 'devices directory not found' : `cannot read directory (${code})`),
    };
  }
}
