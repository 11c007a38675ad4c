/**
 * Keeping hearth's dashboard in sync from `hearth run` (optional, `dashboard: { sync: true }`
 * in hearth.yaml): a hub unit (start/stop, src/hub/unit.ts's contract) that pushes the
 * dashboard once HA is RUNNING and hearth's own entities are in HA's registry. The hub makes
 * the unit again on every configuration reload, so a new routine or device reaches the
 * dashboard then. It never overwrites an edit made in HA (that needs `hearth dashboard --push
 * --force`): it logs what differs instead. Failures are logged, never thrown: the dashboard is
 * not worth stopping the hub for.
 */
import { join } from 'node:path';
import { stateDirOf } from '../config/state-dir.js';
import type { DashboardSettings } from '../config/dashboard.js';
import type { Household } from '../config/household.js';
import type { UnitFactory } from '../hub/unit.js';
import type { Logger } from '../log.js';
import { generateDashboard } from './generate.js';
import { haCommander, type HaCommander } from './ha-commands.js';
import { DashboardPushError } from './push.js';
import { runDashboard } from './run.js';
import { readSnapshot } from './snapshot-io.js';

/** hearth.yaml's `dashboard:` (config/dashboard.ts). */
export function dashboardSettings(household: Household): DashboardSettings {
  return household.config.dashboard;
}

export interface DashboardUnitDeps {
  household: Household;
  /** The hub's HA client (only these two methods are used). */
  ha: { whenRunning(): Promise<void>; sendMessage<T>(message: { type: string; [key: string]: unknown }): Promise<T> };
  logger: Logger;
  /** Where the last push is recorded (`<state_dir>/dashboard.json`). */
  recordFile: string;
  /** How long to wait for hearth's entities to appear in HA's registry (ms, default 60 000). */
  settleTimeoutMs?: number;
  /** Settles when the unit this one replaces has finished its own sync. */
  after?: Promise<void>;
  /** Poll interval while waiting (ms, default 2 000). */
  pollMs?: number;
}

export interface DashboardUnit {
  readonly name: 'dashboard';
  start(): void;
  stop(): void;
  /** Settles when the sync started by start() finished (pushed, refused or failed). */
  readonly done: Promise<void>;
}

/**
 * The push record's file: `dashboard.json` in the state directory (config/state-dir.ts: the same
 * for `hearth run` and `hearth dashboard`, so neither takes the other's push for an edit). 0600.
 */
export const dashboardRecordFile = (stateDir: string | undefined): string => join(stateDirOf(stateDir), 'dashboard.json');

/**
 * The dashboard as a configuration-built hub unit (src/hub/units.ts): made again on every
 * reload or entity-id change, so each new unit syncs once more (a no-op when HA already holds
 * the same config; refused, and logged, when the person edited it in HA). Nothing is carried
 * over from the previous unit: the record file is the dashboard's memory.
 */
export const dashboardUnit: UnitFactory<DashboardUnit> = {
  name: 'dashboard',
  create: (deps, previous) =>
    createDashboardUnit({
      household: deps.household,
      ha: deps.ha,
      logger: deps.logger,
      recordFile: dashboardRecordFile(deps.household.config.state_dir),
      // A predecessor still pushing writes the record first: reading it before would look like an edit.
      ...(previous ? { after: previous.done } : {}),
    }),
};

export function createDashboardUnit(deps: DashboardUnitDeps): DashboardUnit {
  const log = deps.logger.child({ unit: 'dashboard' });
  const settings = dashboardSettings(deps.household);
  const conn: HaCommander = haCommander(deps.ha);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    });

  const sync = async (): Promise<void> => {
    await deps.after;
    await deps.ha.whenRunning();
    // Discovery may still be on its way: wait (bounded) until HA has every entity of hearth's.
    const deadline = Date.now() + (deps.settleTimeoutMs ?? 60_000);
    while (!stopped) {
      const { warnings } = generateDashboard({ household: deps.household, snapshot: await readSnapshot(conn), customCard: false });
      if (!warnings.length || Date.now() >= deadline) break;
      await sleep(deps.pollMs ?? 2_000);
    }
    if (stopped) return;
    const result = await runDashboard({
      household: deps.household,
      conn,
      push: true,
      ...(settings.www ? { www: settings.www } : {}),
      ...(settings.url_path ? { urlPath: settings.url_path } : {}),
      recordFile: deps.recordFile,
    });
    for (const w of result.warnings) log.warn(w);
    log.info({ action: result.push?.action, url_path: result.push?.urlPath }, 'dashboard synced');
  };

  return {
    name: 'dashboard',
    done,
    start() {
      if (!settings.sync) return finish();
      sync()
        .catch((err: unknown) => {
          if (stopped) return;
          if (err instanceof DashboardPushError) log.warn({ code: err.code, differences: err.differences }, err.message);
          else log.error({ err: (err as Error).message }, 'dashboard sync failed');
        })
        .finally(finish);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
