/**
 * The Home Assistant connection as a hub unit: the websocket client (client.ts) made and
 * started on `start`, closed on `stop`. `onRunning` runs on each transition to RUNNING.
 */
import type { HomeassistantSettings } from '../../config/hub-settings.js';
import type { Secret } from '../../config/secret-files.js';
import type { Logger } from '../../log.js';
import type { HubUnit } from '../unit.js';
import { createHaClient, type HaAuthError, type HaClient, type HaClientDeps } from './client.js';

export interface HaUnitDeps {
  settings: HomeassistantSettings;
  token: Secret;
  logger: Logger;
  /** A rejected token (fatal: the hub stops and exits non-zero). */
  onFatal: (error: HaAuthError) => void;
  /** HA reached RUNNING (start and each reconnect). */
  onRunning: () => void;
  overrides?: { heartbeatMs?: number | undefined; pongTimeoutMs?: number | undefined; WebSocketImpl?: HaClientDeps['WebSocketImpl'] };
}

export interface HaUnit extends HubUnit {
  /** The client, once started. */
  readonly client: HaClient | undefined;
}

export function createHaUnit(deps: HaUnitDeps): HaUnit {
  let client: HaClient | undefined;
  return {
    name: 'homeassistant',
    get client() {
      return client;
    },
    start() {
      const { settings, token, overrides } = deps;
      client = createHaClient({
        url: settings.url,
        token: () => token.value,
        tokenSource: token.source,
        logger: deps.logger,
        onFatal: deps.onFatal,
        heartbeatMs: overrides?.heartbeatMs ?? settings.heartbeat_interval * 1000,
        pongTimeoutMs: overrides?.pongTimeoutMs ?? settings.heartbeat_timeout * 1000,
        WebSocketImpl: overrides?.WebSocketImpl,
      });
      client.onRunning(deps.onRunning);
      client.start();
    },
    async stop() {
      await client?.stop();
    },
  };
}
