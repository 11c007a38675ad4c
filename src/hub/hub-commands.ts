/**
 * CLI commands of the hub: `hearth run`, `hearth routine due ID` (talks to the running
 * service's HTTP API), `hearth backup FILE` (consistent SQLite copy for restic). Exit codes as
 * every subcommand's (src/cli-exit.ts): 2 bad input (configuration, a secret, an unknown routine,
 * a missing store), 1 runtime failures (the hub unreachable or failing, a backup not written).
 */
import { access } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { EXIT_RUNTIME, EXIT_USAGE, exitForStatus } from '../cli-exit.js';
import type { Household } from '../config/household.js';
import { didYouMean } from '../config/names.js';
import { ConfigError, errorsOf, formatIssue } from '../config/issues.js';
import { HTTP_TOKEN, readSecret, SecretError } from '../config/secret-files.js';

// The service (express, sqlite, websocket, mqtt) loads only when a hub command runs, so
// `hearth esphome …` and `--help` start fast.
const service = () => import('./service.js');
const configLoading = () => import('./config-loading.js');
const store = () => import('./store/store.js');
const logging = () => import('../log.js');

interface ConfigOptions {
  config: string;
  devices: string;
}

/** Adds `--config` and `--devices` (defaults: ./hearth.yaml, ./devices). */
export const withConfig = (cmd: Command): Command =>
  cmd.option('-c, --config <file>', 'hearth.yaml', 'hearth.yaml').option('-d, --devices <dir>', 'device specs directory', 'devices');

function fail(message: string, code: number): never {
  process.stderr.write(`hearth: ${message}\n`);
  process.exit(code);
}

function reportConfigError(e: unknown, code = EXIT_USAGE): never {
  if (e instanceof ConfigError) {
    for (const issue of errorsOf(e.issues)) process.stderr.write(`${formatIssue(issue)}\n`);
    fail(`${errorsOf(e.issues).length} configuration error(s)`, code);
  }
  if (e instanceof SecretError) fail(e.message, code);
  throw e;
}

/**
 * Where the running hub's HTTP API is and its bearer token, from hearth.yaml's `http:` (a
 * wildcard bind address is reached on 127.0.0.1) or `--url`, with the household it was read
 * from; exits 2 naming the file and setting when the configuration or the token file is unusable.
 */
export async function apiTarget(opts: ConfigOptions & { url?: string }): Promise<{ base: string; token: string; household: Household }> {
  if (opts.url !== undefined && !isHttpUrl(opts.url)) fail(`--url: "${opts.url}" is not an http:// or https:// URL`, EXIT_USAGE);
  const [{ createLogger }, { loadForHub }] = await Promise.all([logging(), configLoading()]);
  try {
    const household = await loadForHub(opts.config, opts.devices, createLogger({ level: 'warn' }));
    const { http } = household.config;
    const host = http.host === '0.0.0.0' || http.host === '::' ? '127.0.0.1' : http.host;
    const base = opts.url ?? `http://${host.includes(':') ? `[${host}]` : host}:${http.port}`;
    return { base, token: (await readSecret(HTTP_TOKEN(http.token_file))).value, household };
  } catch (e) {
    reportConfigError(e);
  }
}

const isHttpUrl = (text: string): boolean => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

export function registerHubCommands(program: Command): void {
  withConfig(program.command('run'))
    .description('run the hub: Home Assistant + MQTT connection, reminder buttons, presence, HTTP API')
    // The three placements of the life coach (docs/lifecoach.md, nix/module.nix): in this
    // process (default), in its own process beside the hub (`--only lifecoach` there,
    // `--no-lifecoach` here), on another host (`--only lifecoach` or `lifecoach.placement: remote`).
    .option(
      '--no-lifecoach',
      "do not run the life coach in this process (it runs in its own unit or on another host; the cameras' stills are still served)",
    )
    .option('--only <unit>', 'run only this unit: lifecoach (a coach-only hearth; stills from lifecoach.hub.url when set)')
    .option('--http-port <port>', 'HTTP API port instead of http.port (a coach-only hearth beside the hub)')
    .option('--store <file>', 'SQLite store instead of <state_dir>/hearth.sqlite')
    .action(async (opts: ConfigOptions & { only?: string; lifecoach?: boolean; httpPort?: string; store?: string }) => {
      if (opts.only !== undefined && opts.only !== 'lifecoach') fail(`--only: unknown unit "${opts.only}" (known: lifecoach)`, EXIT_USAGE);
      if (opts.only !== undefined && opts.lifecoach === false)
        fail('--only lifecoach and --no-lifecoach contradict each other', EXIT_USAGE);
      const httpPort = opts.httpPort === undefined ? undefined : Number(opts.httpPort);
      if (httpPort !== undefined && !(Number.isInteger(httpPort) && httpPort >= 0 && httpPort <= 65535))
        fail(`--http-port: "${opts.httpPort}" is not a port (0–65535)`, EXIT_USAGE);
      const [{ createLogger }, { createHub }] = await Promise.all([logging(), service()]);
      const logger = createLogger();
      let stopping = false;
      const hub = createHub({
        configFile: opts.config,
        devicesDir: opts.devices,
        logger,
        ...(opts.only === 'lifecoach' ? { only: 'lifecoach' as const } : {}),
        ...(opts.lifecoach === false ? { lifecoach: false } : {}),
        ...(httpPort !== undefined ? { httpPort } : {}),
        ...(opts.store !== undefined ? { storeFile: opts.store } : {}),
        onFatal: (error) => {
          logger.fatal(error.message);
          process.stderr.write(`hearth: ${error.message}\n`);
          void shutdown(2);
        },
      });
      const shutdown = async (code: number): Promise<void> => {
        if (stopping) return;
        stopping = true;
        const force = setTimeout(() => process.exit(code || 1), 10_000);
        force.unref();
        await hub.stop().catch((e: Error) => logger.error({ err: e.message }, 'stop failed'));
        process.exit(code);
      };
      process.on('SIGTERM', () => void shutdown(0));
      process.on('SIGINT', () => void shutdown(0));
      process.on('SIGHUP', () => {
        logger.info('SIGHUP: reloading configuration');
        void hub.reload();
      });
      // Whatever keeps the hub from starting (configuration, a secret, the store) ends the
      // process with 2 and a message naming the setting or file: systemd shows the unit failed
      // instead of a hub that looks alive and does nothing.
      try {
        await hub.start();
      } catch (e) {
        await hub.stop().catch(() => {});
        logger.fatal({ err: (e as Error).message }, 'hearth could not start');
        if (e instanceof ConfigError || e instanceof SecretError) reportConfigError(e, EXIT_USAGE);
        fail(`cannot start: ${e instanceof Error ? e.message : String(e)}`, EXIT_USAGE);
      }
    });

  const routine = program.command('routine').description('routines of the running hub');
  withConfig(routine.command('due <id>'))
    .description("make a routine due now (through the running service's HTTP API)")
    .option('--url <url>', 'HTTP API base URL (default from hearth.yaml http:)')
    .action(async (id: string, opts: ConfigOptions & { url?: string }) => {
      const { base, token, household } = await apiTarget(opts);
      // An id hearth.yaml does not have is the argument's fault, not the hub's: say so before
      // asking the hub (which answers 404 for it too, below).
      const known = household.config.routines.map((r) => r.id);
      if (!known.includes(id)) {
        const guess = didYouMean(id, known);
        fail(
          `routine due: unknown routine "${id}" in ${opts.config}${guess ? `; did you mean "${guess}"?` : ''} (known: ${known.join(', ') || 'none'})`,
          EXIT_USAGE,
        );
      }
      let response: Response;
      try {
        response = await fetch(`${base.replace(/\/+$/, '')}/api/routines/${encodeURIComponent(id)}/due`, {
          method: 'POST',
          // The history records that the CLI made it due (src/hub/http/server.ts, CLIENT_HEADER).
          headers: { authorization: `Bearer ${token}`, 'x-hearth-client': 'cli' },
        });
      } catch (e) {
        fail(`cannot reach the hub at ${base} (is \`hearth run\` running?): ${(e as Error).message}`, EXIT_RUNTIME);
      }
      const body = (await response.json().catch(() => ({}))) as { error?: string; phase?: string };
      if (!response.ok) fail(`${response.status}: ${body.error ?? response.statusText}`, exitForStatus(response.status));
      process.stdout.write(`${id}: ${body.phase ?? 'due'}\n`);
    });

  withConfig(program.command('backup <file>'))
    .description("write a consistent copy of the hub's SQLite store (for restic's backupPrepareCommand)")
    .option('--store <file>', 'the store (default: state_dir from hearth.yaml, $STATE_DIRECTORY, ./state)')
    .action(async (file: string, opts: ConfigOptions & { store?: string }) => {
      const [{ createLogger }, { loadForHub }, { backupStoreFile, storePath }] = await Promise.all([logging(), configLoading(), store()]);
      let source = opts.store;
      if (!source) {
        try {
          const household = await loadForHub(opts.config, opts.devices, createLogger({ level: 'warn' }));
          source = storePath(household.config.state_dir);
        } catch (e) {
          reportConfigError(e);
        }
      }
      // A store or a destination folder that is not there is the arguments' fault (exit 2);
      // a copy that fails on the way (disk full, I/O) is a runtime failure (exit 1).
      if (!(await exists(source)))
        fail(
          `${source}: no store here (give --store FILE, or state_dir in ${opts.config}; the hub creates it on its first start)`,
          EXIT_USAGE,
        );
      if (!(await exists(dirname(file)))) fail(`${file}: folder ${dirname(file)} does not exist`, EXIT_USAGE);
      try {
        await backupStoreFile(source, file);
      } catch (e) {
        fail(`backup of ${source} failed: ${(e as Error).message}`, EXIT_RUNTIME);
      }
      process.stdout.write(`${source} → ${file}\n`);
    });
}
