/**
 * Reload (SIGHUP): hearth.yaml and devices/ read again. A configuration with errors is reported
 * issue by issue and the running one kept. The connection settings (homeassistant, mqtt, http,
 * state_dir) take effect at the next restart: the running values are kept and a change is
 * logged. Reloads run one at a time, in order: the last SIGHUP wins with the newest files.
 */
import type { Household } from '../config/household.js';
import { ConfigError, errorsOf, formatIssue } from '../config/issues.js';
import type { Logger } from '../log.js';
import { loadForHub } from './config-loading.js';

/** Settings read once at start: the running values stay until the next restart. */
const RESTART_SETTINGS = ['homeassistant', 'mqtt', 'http', 'state_dir'] as const;

/** The next household, with the running restart-only settings; undefined when it has errors (logged). */
export async function loadReloaded(prev: Household, configFile: string, devicesDir: string, log: Logger): Promise<Household | undefined> {
  let next: Household;
  try {
    next = await loadForHub(configFile, devicesDir, log);
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const issue of errorsOf(e.issues)) log.error({ file: issue.file }, formatIssue(issue));
      log.error({ errors: errorsOf(e.issues).length }, 'reload: configuration has errors; keeping the running one');
    } else log.error({ err: (e as Error).message }, 'reload failed; keeping the running configuration');
    return undefined;
  }
  const config = { ...next.config };
  for (const key of RESTART_SETTINGS) {
    if (JSON.stringify(prev.config[key]) !== JSON.stringify(next.config[key])) {
      log.warn({ setting: key }, `reload: ${key} settings changed; they take effect at the next restart`);
    }
  }
  return {
    ...next,
    config: {
      ...config,
      homeassistant: prev.config.homeassistant,
      mqtt: prev.config.mqtt,
      http: prev.config.http,
      state_dir: prev.config.state_dir,
    },
  };
}

/**
 * Runs reloads one after another: each call waits for the ones before it. A reload that throws
 * is logged and counts as failed (false); `idle()` resolves once none is in flight.
 */
export function reloadQueue(run: () => Promise<boolean>, log: Logger): { reload(): Promise<boolean>; idle(): Promise<unknown> } {
  let tail: Promise<boolean> = Promise.resolve(true);
  return {
    reload() {
      const next = tail.then(() =>
        run().catch((e: unknown) => {
          log.error({ err: e instanceof Error ? e.message : String(e) }, 'reload failed; keeping what runs');
          return false;
        }),
      );
      tail = next.catch(() => false);
      return next;
    },
    idle: () => tail,
  };
}
