import { availableParallelism } from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import type { Household } from '../config/household.js';
import { ConfigError, formatIssue, sortIssues } from '../config/issues.js';
import type { WriteResult } from './generate.js';

// The modules behind each command load when it runs, so `hearth <anything else>` and
// `--help` do not pay for the YAML/zod/codegen code.

/** Exit code for configuration problems (nothing was written). */
export const EXIT_CONFIG = 2;

interface SourceOptions {
  devices: string;
  config: string;
}

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
};

/** Loads the household; prints every issue and returns undefined on a configuration error. */
async function load(options: SourceOptions): Promise<Household | undefined> {
  const { loadHousehold } = await import('../config/load.js');
  try {
    const household = await loadHousehold({ configFile: options.config, devicesDir: options.devices });
    for (const warning of sortIssues(household.warnings)) console.error(formatIssue(warning));
    return household;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    reportConfigError(error);
    return undefined;
  }
}

function reportConfigError(error: ConfigError): void {
  for (const issue of sortIssues(error.issues)) console.error(formatIssue(issue));
  process.exitCode = EXIT_CONFIG;
}

/** Generates; prints config errors and returns undefined when nothing was written. */
async function generateOrReport(household: Household, out: string, secrets: string | undefined): Promise<WriteResult | undefined> {
  const { generate } = await import('./generate.js');
  try {
    return await generate(household, { outDir: out, ...(secrets ? { secretsFile: secrets } : {}) });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    reportConfigError(error);
    return undefined;
  }
}

/** A secrets file that lacks names the configs reference fails at `esphome compile`: say so now (names only). */
async function warnMissingSecrets(household: Household, file: string): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const { missingSecrets, trackerSecretProblems } = await import('./secrets.js');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return; // generate reports a missing file itself
  }
  const missing = missingSecrets(household, text);
  if (missing.length > 0) {
    console.error(`${file}: warning: lacks ${missing.join(', ')}; \`hearth esphome secrets\` prints a template with every name`);
  }
  for (const problem of trackerSecretProblems(household, text)) console.error(`${file}: warning: ${problem}`);
}

const withSource = (command: Command): Command =>
  command
    .option('--devices <dir>', 'device specs directory', 'devices')
    .option('--config <file>', 'hearth configuration file', 'hearth.yaml');

/** `hearth esphome generate|secrets|validate`. */
export function registerEsphomeCommands(program: Command): void {
  const esphome = program
    .command('esphome')
    .description('ESPHome configs from devices/*.yaml: generate them, list their secrets, validate them with the real esphome');

  withSource(esphome.command('generate'))
    .description(
      'write <device>.yaml for every device spec into the out dir, all or nothing (a failing spec writes nothing; ' +
        'generated files of removed devices are deleted). Config problems: all listed, exit code 2.',
    )
    .option('--out <dir>', 'output directory', 'build/esphome')
    .option('--secrets <file>', 'your real secrets.yaml: symlinked into the out dir so `esphome compile <out>/<device>.yaml` works')
    .action(async (options: SourceOptions & { out: string; secrets?: string }) => {
      const household = await load(options);
      if (!household) return;
      if (options.secrets) await warnMissingSecrets(household, options.secrets);
      const result = await generateOrReport(household, options.out, options.secrets);
      if (!result) return;
      const removed = result.removed.length > 0 ? `; removed stale ${result.removed.join(', ')}` : '';
      console.log(`wrote ${result.written.length} ESPHome configs to ${result.outDir}${removed}`);
    });

  withSource(esphome.command('secrets'))
    .description(
      "print a secrets.yaml template naming every secret the fleet needs (Wi-Fi, fallback hotspot, each device's API key and OTA " +
        'password, the BLE tracker keys with their values where hearth.yaml or a *_file gives them)',
    )
    .option('--generate', 'fill in fresh random API keys (32 bytes, base64) and passwords; Wi-Fi stays to fill in')
    .option('--out <file>', 'write a new private file (0600, never over an existing one) instead of printing')
    .action(async (options: SourceOptions & { generate?: boolean; out?: string }) => {
      const household = await load(options);
      if (!household) return;
      const { readTrackerKeys, secretsTemplate } = await import('./secrets.js');
      const { TrackerKeyError } = await import('../config/tracker-keys.js');
      let trackerKeys: Map<string, string>;
      try {
        trackerKeys = await readTrackerKeys(household);
      } catch (error) {
        if (!(error instanceof TrackerKeyError)) throw error;
        console.error(error.message);
        process.exitCode = EXIT_CONFIG;
        return;
      }
      const text = secretsTemplate(household, { generate: options.generate === true, trackerKeys });
      if (!options.out) {
        process.stdout.write(text);
        return;
      }
      const { SecretsFileError, writeNewSecretsFile } = await import('./secrets-file.js');
      try {
        await writeNewSecretsFile(options.out, text);
        console.log(`wrote ${options.out} (0600)`);
      } catch (error) {
        if (!(error instanceof SecretsFileError)) throw error;
        console.error(error.message);
        process.exitCode = EXIT_CONFIG;
      }
    });

  withSource(esphome.command('validate'))
    .description(
      'generate into the out dir, then run `<esphome> config` on every generated file in parallel; with placeholder ' +
        'secrets unless the out dir has a secrets.yaml. Exit code 1 if any file fails (its esphome output is shown).',
    )
    .option('--esphome <cmd>', 'command that runs ESPHome (e.g. toolchain/esphome)', 'esphome')
    .option('--out <dir>', 'output directory', 'build/esphome')
    .option('--no-generate', 'validate what is already in the out dir')
    .option('--codegen', 'run `esphome compile --only-generate` instead of `config` (also generates the C++; offline)')
    .option('--jobs <n>', `parallel esphome processes (default: CPU count, ${availableParallelism()})`, positiveInt)
    .action(async (options: SourceOptions & { esphome: string; out: string; generate: boolean; codegen?: boolean; jobs?: number }) => {
      if (options.generate) {
        const household = await load(options);
        if (!household || !(await generateOrReport(household, options.out, undefined))) return;
      }
      const { validateDir } = await import('./validate.js');
      const { access } = await import('node:fs/promises');
      const outExists = await access(options.out).then(
        () => true,
        () => false,
      );
      if (!outExists) {
        console.error(`--out: ${options.out}: no such folder (run without --no-generate to generate into it)`);
        process.exitCode = EXIT_CONFIG;
        return;
      }
      const result = await validateDir(options.out, {
        esphome: options.esphome,
        ...(options.jobs ? { jobs: options.jobs } : {}),
        ...(options.codegen ? { esphomeArgs: ['compile', '--only-generate'] } : {}),
        onProgress: (line) => console.error(line),
      });
      // An --esphome that cannot be started at all is the argument's fault: one line, exit 2.
      const unrunnable = result.results.filter((r) => r.exitCode === null && r.output.startsWith('cannot run '));
      if (unrunnable.length > 0 && unrunnable.length === result.results.length) {
        console.error(`--esphome: ${unrunnable[0]!.output}`);
        process.exitCode = EXIT_CONFIG;
        return;
      }
      // Warnings shared by every file (e.g. a fleet-wide default) are shown once.
      const passes = result.results.filter((r) => r.ok);
      const everywhere = passes.length > 0 ? passes[0]!.warnings.filter((w) => passes.every((r) => r.warnings.includes(w))) : [];
      for (const warning of everywhere) console.error(`all files: ${warning}`);
      for (const r of passes)
        for (const warning of r.warnings.filter((w) => !everywhere.includes(w))) console.error(`${r.device}: ${warning}`);
      for (const failed of result.results.filter((r) => !r.ok)) {
        console.error(`\n--- ${failed.file}: esphome exited ${failed.exitCode ?? '(not run)'} ---\n${failed.output.trimEnd()}`);
      }
      const passed = result.results.filter((r) => r.ok).length;
      console.log(`${passed}/${result.results.length} ESPHome configs valid (${(result.ms / 1000).toFixed(1)} s)`);
      // No configs to validate is bad input (an empty devices folder or --out); a file esphome refuses is exit 1.
      if (result.results.length === 0) {
        console.error(`--out: no generated configs in ${options.out}`);
        process.exitCode = EXIT_CONFIG;
      } else if (!result.ok) process.exitCode = 1;
    });
}
