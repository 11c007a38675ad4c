/**
 * `hearth dashboard`: generate the household's Lovelace dashboard from hearth.yaml, devices/
 * and the connected HA's registries; `--out FILE` writes YAML, `--push` saves it into the
 * storage-mode dashboard hearth owns, `--www DIR` installs hearth's card into HA's www folder.
 * Exit codes: 2 for bad input (configuration, a rejected or non-admin token), 1 for a refused
 * push (edited dashboard) or a failure talking to HA.
 */
import { existsSync, statSync } from 'node:fs';
import { Command } from 'commander';
import { ConfigError, errorsOf, formatIssue } from '../config/issues.js';
import { HA_TOKEN, readSecret, SecretError } from '../config/secret-files.js';

interface DashboardOptions {
  config: string;
  devices: string;
  out?: string;
  push?: boolean;
  force?: boolean;
  www?: string;
  urlPath: string;
  record?: string;
}

const isDirectory = (path: string): boolean => existsSync(path) && statSync(path).isDirectory();

function fail(message: string, code: number): never {
  process.stderr.write(`hearth: ${message}\n`);
  process.exit(code);
}

/** The `dashboard` subcommand; src/cli.ts adds it with `program.addCommand(dashboardCommand())`. */
export function dashboardCommand(): Command {
  return new Command('dashboard')
    .description("generate hearth's Home Assistant dashboard (entity ids from HA's registries) and write or push it")
    .option('-c, --config <file>', 'hearth.yaml', 'hearth.yaml')
    .option('-d, --devices <dir>', 'device specs directory', 'devices')
    .option('--out <file>', 'write the dashboard as YAML (for a YAML-mode dashboard)')
    .option('--push', "save it into hearth's storage-mode dashboard in HA (needs an administrator's token)")
    .option('--force', 'with --push: overwrite the dashboard even if it was edited in HA')
    .option('--www <dir>', "HA's www folder: copy hearth's card there (served as /local/hearth-card.js)")
    .option('--url-path <path>', "url path of hearth's dashboard (must contain a hyphen)", 'hearth-home')
    .option('--record <file>', 'where hearth keeps what it last pushed (default <state_dir>/dashboard.json)')
    .action(async (opts: DashboardOptions) => {
      if (!opts.out && !opts.push) fail('nothing to do: give --out FILE and/or --push', 2);
      if (opts.force && !opts.push) fail('--force only applies to --push', 2);
      if (!/^[a-z0-9]+(-[a-z0-9]+)+$/.test(opts.urlPath))
        fail(`--url-path: "${opts.urlPath}" must be lowercase words joined by hyphens, e.g. hearth-home`, 2);
      // Checked before HA is asked anything: a wrong folder is the argument's fault (exit 2), not HA's.
      if (opts.www && !isDirectory(opts.www)) fail(`--www: ${opts.www}: not a directory (HA's www folder, <config>/www)`, 2);
      const [{ loadHousehold }, { connectHomeAssistant }, { runDashboard }, { DashboardPushError }, { dashboardRecordFile }] =
        await Promise.all([
          import('../config/load.js'),
          import('./connect.js'),
          import('./run.js'),
          import('./push.js'),
          import('./unit.js'),
        ]);
      let household;
      try {
        household = await loadHousehold({ configFile: opts.config, devicesDir: opts.devices });
      } catch (e) {
        if (e instanceof ConfigError) {
          for (const issue of errorsOf(e.issues)) process.stderr.write(`${formatIssue(issue)}\n`);
          fail(`${errorsOf(e.issues).length} configuration error(s)`, 2);
        }
        throw e;
      }
      const ha = household.config.homeassistant;
      let token;
      try {
        token = await readSecret(HA_TOKEN(ha.token_file));
      } catch (e) {
        if (e instanceof SecretError) fail(e.message, 2);
        throw e;
      }
      const conn = await connectHomeAssistant(ha.url, token.value).catch((e: Error) =>
        fail(
          `${e.message === 'invalid_auth' ? `Home Assistant rejected the token from ${token.source}` : `cannot reach Home Assistant at ${ha.url}: ${e.message}`}`,
          e.message === 'invalid_auth' ? 2 : 1,
        ),
      );
      try {
        const result = await runDashboard({
          household,
          conn,
          ...(opts.out ? { out: opts.out } : {}),
          push: !!opts.push,
          force: !!opts.force,
          ...(opts.www ? { www: opts.www } : {}),
          urlPath: opts.urlPath,
          recordFile: opts.record ?? dashboardRecordFile(household.config.state_dir),
        });
        for (const w of result.warnings) process.stderr.write(`hearth: warning: ${w}\n`);
        if (result.card) process.stdout.write(`card installed: ${result.card.path} (${result.card.url})\n`);
        if (result.resource?.mode === 'storage')
          process.stdout.write(`card resource ${result.resource.action}: ${result.resource.resource.url}\n`);
        if (result.resource?.mode === 'yaml') process.stdout.write(`${result.resource.advice}\n`);
        if (opts.out) process.stdout.write(`wrote ${opts.out}\n`);
        if (result.push) {
          process.stdout.write(`dashboard ${result.push.urlPath}: ${result.push.action} (${ha.url}/${result.push.urlPath})\n`);
          if (result.push.overwritten?.length)
            process.stdout.write(`overwrote the edits made in HA:\n  ${result.push.overwritten.join('\n  ')}\n`);
        }
      } catch (e) {
        if (e instanceof DashboardPushError) fail(e.message, e.code === 'edited' ? 1 : 2);
        fail((e as Error).message, 1);
      } finally {
        conn.close();
      }
    });
}
