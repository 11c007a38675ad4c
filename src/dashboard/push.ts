/**
 * Pushing the generated dashboard into HA over the websocket API, into a storage-mode
 * dashboard hearth creates and owns (`hearth-home` by default: HA wants a hyphen in a
 * dashboard's url path). Other dashboards are never read or written.
 *
 * Before any write: the token's user must be an administrator (`lovelace/config/save` and
 * `lovelace/dashboards/create` are admin-only in HA). hearth remembers the hash and config
 * of what it last pushed (the `PushRecord`, kept by the caller); when HA holds something
 * else, the person edited the dashboard in HA, and it is not overwritten without `force`.
 */
import type { LovelaceConfig } from './cards.js';
import { configHash, describeDifferences } from './diff.js';
import { createDashboard, currentUser, dashboardConfig, listDashboards, saveDashboardConfig, type HaCommander } from './ha-commands.js';

export const DEFAULT_URL_PATH = 'hearth-home';

/** What hearth remembers of its last push (a JSON file in the state directory). */
export interface PushRecord {
  url_path: string;
  hash: string;
  config: LovelaceConfig;
  pushed_at: string;
}

export interface PushOptions {
  urlPath?: string;
  /** Sidebar title of the dashboard (default: the config's title). */
  title?: string;
  icon?: string;
  /** Overwrite even when the person edited the dashboard in HA. */
  force?: boolean;
  /** The record of the last push, if any. */
  record?: PushRecord;
  now?: () => Date;
}

export interface PushResult {
  /** created: new dashboard; saved: config written; unchanged: HA already had it. */
  action: 'created' | 'saved' | 'unchanged';
  urlPath: string;
  record: PushRecord;
  /** What the person had changed and `force` overwrote. */
  overwritten?: string[];
}

export type PushErrorCode = 'not_admin' | 'edited' | 'not_storage';

/** A push refused for a reason the person must act on; the message says what to do. */
export class DashboardPushError extends Error {
  constructor(
    readonly code: PushErrorCode,
    message: string,
    readonly differences: string[] = [],
  ) {
    super(message);
    this.name = 'DashboardPushError';
  }
}

/** Throws `not_admin` unless the token belongs to an HA administrator. */
export async function requireAdmin(conn: HaCommander): Promise<void> {
  const user = await currentUser(conn);
  if (!user.is_admin) {
    throw new DashboardPushError(
      'not_admin',
      `the Home Assistant user "${user.name}" of this token is not an administrator; creating and saving dashboards needs an ` +
        "administrator's long-lived access token (HA: Settings → People → the user → Administrator, or a token made by an administrator in their profile's Security tab)",
    );
  }
}

/**
 * Saves `config` into hearth's dashboard, creating the dashboard first when needed.
 * Errors: DashboardPushError (`not_admin`, `edited` with the differences, `not_storage`);
 * HA's own errors pass through.
 */
export async function pushDashboard(conn: HaCommander, config: LovelaceConfig, options: PushOptions = {}): Promise<PushResult> {
  const urlPath = options.urlPath ?? DEFAULT_URL_PATH;
  const now = options.now ?? (() => new Date());
  await requireAdmin(conn);
  const hash = configHash(config);
  const record: PushRecord = { url_path: urlPath, hash, config, pushed_at: now().toISOString() };

  const existing = (await listDashboards(conn)).find((d) => d.url_path === urlPath);
  if (!existing) {
    await createDashboard(conn, {
      url_path: urlPath,
      title: options.title ?? config.title,
      icon: options.icon ?? 'mdi:home-heart',
      show_in_sidebar: true,
    });
    await saveDashboardConfig(conn, urlPath, config);
    return { action: 'created', urlPath, record };
  }
  if (existing.mode !== 'storage') {
    throw new DashboardPushError(
      'not_storage',
      `dashboard ${urlPath} is a YAML-mode dashboard in configuration.yaml; write it with --out FILE instead, or choose another url path`,
    );
  }

  const current = await dashboardConfig(conn, urlPath);
  if (current && configHash(current) === hash) return { action: 'unchanged', urlPath, record };
  let overwritten: string[] | undefined;
  const ours = options.record?.url_path === urlPath ? options.record : undefined;
  if (current && (!ours || configHash(current) !== ours.hash)) {
    const differences = ours ? describeDifferences(ours.config, current) : [];
    if (!options.force) {
      const what = ours
        ? `it was edited in Home Assistant since hearth last pushed it (${ours.pushed_at}):\n  ${differences.join('\n  ')}`
        : 'hearth has no record of pushing what it holds now (its state file is missing or another tool wrote it)';
      throw new DashboardPushError(
        'edited',
        `not overwriting dashboard ${urlPath}: ${what}\nRun again with --force to replace it with hearth's.`,
        differences,
      );
    }
    overwritten = differences;
  }
  await saveDashboardConfig(conn, urlPath, config);
  return { action: 'saved', urlPath, record, ...(overwritten ? { overwritten } : {}) };
}
