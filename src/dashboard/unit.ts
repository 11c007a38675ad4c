/**
 * Keeping hearth's dashboard in sync from `hearth run` (optional, `dashboard: { sync: true }`
 * in hearth.yaml): a unit (name, start, stop: the hub's HubUnit contract kept structurally, no
 * hub import; src/hub/dashboard/unit.ts mounts it) that pushes the dashboard once HA is RUNNING
 * and hearth's own entities are in HA's registry. The hub makes the unit again on every
 * configuration reload, so a new routine or device reaches the dashboard then. It never
 * overwrites an edit made in HA (that needs `hearth dashboard --push --force`): it logs what
 * differs instead. Failures are logged, never thrown: the dashboard is not worth stopping the
 * hub for.
 *
 * The generator, the push and their libraries are imported at the first sync, not with the
 * hub: without `sync` (the default) the unit costs the hub no memory (bench/lifecoach.ts).
 */
import { join } from 'node:path';
import type { Household } from '../config/household.js';
import { stateDirOf } from '../config/state-dir.js';
import type { Logger } from '../log.js';

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
 * The unit: with `dashboard.sync`, start() syncs once (waits for `after`, HA RUNNING and
 * hearth's entities, bounded by `settleTimeoutMs`; then pushes unless HA holds an edit);
 * without it, start() only settles `done`.
 */
export function createDashboardUnit(deps: DashboardUnitDeps): DashboardUnit {
  const log = deps.logger.child({ unit: 'dashboard' });
  const settings = deps.household.config.dashboard;
  let parts: typeof import('./sync-parts.js') | undefined;
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
    if (stopped) return;
    const { generateDashboard, haCommander, readSnapshot, runDashboard } = (parts ??= await import('./sync-parts.js'));
    const conn = haCommander(deps.ha);
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
          if (parts && err instanceof parts.DashboardPushError) log.warn({ code: err.code, differences: err.differences }, err.message);
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
