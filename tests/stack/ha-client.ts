/**
 * Talking to Home Assistant from tests: REST with a bearer token, and websocket connections
 * through `home-assistant-js-websocket` (long-lived token auth, `ws` as the WebSocket on Node 20).
 */
import WebSocket from 'ws';
import {
  createConnection,
  createLongLivedTokenAuth,
  type Connection,
  type HassConfig,
  type HassEntity,
  type MessageBase,
} from 'home-assistant-js-websocket';

/** Node 20 has no global WebSocket; home-assistant-js-websocket's default socket needs one. */
export function ensureWebSocketGlobal(): void {
  const g = globalThis as { WebSocket?: unknown };
  if (g.WebSocket === undefined) g.WebSocket = WebSocket;
}

/** A websocket connection authenticated with `token` (a long-lived or access token). */
export async function connectHA(url: string, token: string, options: { setupRetry?: number } = {}): Promise<Connection> {
  ensureWebSocketGlobal();
  return createConnection({ auth: createLongLivedTokenAuth(url, token), setupRetry: options.setupRetry ?? 0 });
}

export async function wsCommand<T = unknown>(conn: Connection, message: MessageBase): Promise<T> {
  return conn.sendMessagePromise<T>(message);
}

export const getConfig = (conn: Connection) => wsCommand<HassConfig>(conn, { type: 'get_config' });
export const getStates = (conn: Connection) => wsCommand<HassEntity[]>(conn, { type: 'get_states' });

export interface EntityRegistryEntry {
  entity_id: string;
  platform: string;
  unique_id: string;
  device_id: string | null;
  config_entry_id: string | null;
  disabled_by: string | null;
  hidden_by: string | null;
  name: string | null;
  original_name?: string | null;
  has_entity_name?: boolean;
  translation_key?: string | null;
}

export const entityRegistry = (conn: Connection) => wsCommand<EntityRegistryEntry[]>(conn, { type: 'config/entity_registry/list' });

export interface DeviceRegistryEntry {
  id: string;
  name: string | null;
  name_by_user: string | null;
  config_entries: string[];
  identifiers: [string, string][];
  connections: [string, string][];
  model: string | null;
  manufacturer: string | null;
}

export const deviceRegistry = (conn: Connection) => wsCommand<DeviceRegistryEntry[]>(conn, { type: 'config/device_registry/list' });

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${body.slice(0, 500)}`);
    this.name = 'HttpError';
  }
}

/** One REST call to HA; JSON in and out; throws HttpError on a non-2xx status. */
export async function restCall<T = unknown>(
  baseUrl: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (body instanceof URLSearchParams) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    payload = body.toString();
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(new URL(path, baseUrl), { method, headers, body: payload });
  const text = await response.text();
  if (!response.ok) throw new HttpError(response.status, text, `${method} ${path}`);
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    return text as T;
  }
}
