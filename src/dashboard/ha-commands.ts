/**
 * The Home Assistant websocket commands the dashboard uses, one-liners over
 * `sendMessagePromise` (command names and fields as in homeassistant/components/lovelace/
 * websocket.py, const.py and the auth/config components of HA 2026.10).
 */
import type { HassConfig, HassEntity } from 'home-assistant-js-websocket';
import type { RegistryDevice, RegistryEntity } from '../ha-registry/entity-resolver.js';
import type { LovelaceConfig } from './cards.js';

/**
 * What sends one command and resolves with HA's result: a home-assistant-js-websocket
 * `Connection`, or the hub's HaClient through `haCommander`.
 */
export interface HaCommander {
  sendMessagePromise<T>(message: { type: string; [key: string]: unknown }): Promise<T>;
}

/** The hub's HA client (src/hub/ha/client.ts `sendMessage`) as a commander. */
export const haCommander = (client: { sendMessage<T>(message: { type: string; [key: string]: unknown }): Promise<T> }): HaCommander => ({
  sendMessagePromise: (message) => client.sendMessage(message),
});

/** Where HA answers a command with an error: its `code` (e.g. `config_not_found`, `unauthorized`). */
export const errorCode = (err: unknown): string | undefined =>
  err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : undefined;

export interface CurrentUser {
  id: string;
  name: string;
  is_admin: boolean;
  is_owner: boolean;
}

export interface DashboardInfo {
  id: string;
  url_path: string;
  title: string;
  mode: 'storage' | 'yaml';
  icon?: string | null;
  require_admin?: boolean;
  show_in_sidebar?: boolean;
}

export interface LovelaceResource {
  id: string;
  type: 'module' | 'js' | 'css' | 'html';
  url: string;
}

export const currentUser = (c: HaCommander) => c.sendMessagePromise<CurrentUser>({ type: 'auth/current_user' });
export const getConfig = (c: HaCommander) => c.sendMessagePromise<HassConfig>({ type: 'get_config' });
export const getStates = (c: HaCommander) => c.sendMessagePromise<HassEntity[]>({ type: 'get_states' });
export const entityRegistry = (c: HaCommander) => c.sendMessagePromise<RegistryEntity[]>({ type: 'config/entity_registry/list' });
export const deviceRegistry = (c: HaCommander) => c.sendMessagePromise<RegistryDevice[]>({ type: 'config/device_registry/list' });

export const listDashboards = (c: HaCommander) => c.sendMessagePromise<DashboardInfo[]>({ type: 'lovelace/dashboards/list' });
export const createDashboard = (
  c: HaCommander,
  d: { url_path: string; title: string; icon?: string; show_in_sidebar?: boolean; require_admin?: boolean },
) => c.sendMessagePromise<DashboardInfo>({ type: 'lovelace/dashboards/create', mode: 'storage', ...d });

/** The stored config of a dashboard, or undefined when it has none yet (`config_not_found`). */
export async function dashboardConfig(c: HaCommander, urlPath: string): Promise<LovelaceConfig | undefined> {
  try {
    return await c.sendMessagePromise<LovelaceConfig>({ type: 'lovelace/config', url_path: urlPath, force: true });
  } catch (err) {
    if (errorCode(err) === 'config_not_found') return undefined;
    throw err;
  }
}
export const saveDashboardConfig = (c: HaCommander, urlPath: string, config: LovelaceConfig) =>
  c.sendMessagePromise<null>({ type: 'lovelace/config/save', url_path: urlPath, config });

/** `storage` when resources are managed in the UI (and over the websocket), `yaml` when in configuration.yaml. */
export const lovelaceInfo = (c: HaCommander) => c.sendMessagePromise<{ resource_mode: 'storage' | 'yaml' }>({ type: 'lovelace/info' });
export const listResources = (c: HaCommander) => c.sendMessagePromise<LovelaceResource[]>({ type: 'lovelace/resources' });
export const createResource = (c: HaCommander, url: string) =>
  c.sendMessagePromise<LovelaceResource>({ type: 'lovelace/resources/create', res_type: 'module', url });
export const updateResource = (c: HaCommander, id: string, url: string) =>
  c.sendMessagePromise<LovelaceResource>({ type: 'lovelace/resources/update', resource_id: id, res_type: 'module', url });
