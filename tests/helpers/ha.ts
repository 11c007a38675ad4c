/** Home Assistant from tests: websocket connection, waiting for states, REST, services. */
import type { Connection, HassEntity } from 'home-assistant-js-websocket';
import { subscribeEntities } from 'home-assistant-js-websocket';
import { connectHA, restCall } from '../stack/ha-client.js';
import type { StackInfo } from '../stack/stack.js';

export { connectHA, entityRegistry, deviceRegistry, getStates, getConfig } from '../stack/ha-client.js';

type StackLike = Pick<StackInfo, 'hass'>;

/** A fresh websocket connection with the stack's long-lived token (close it when done). */
export function connect(stack: StackLike): Promise<Connection> {
  return connectHA(stack.hass.url, stack.hass.token);
}

/** One REST call to HA with the stack's token (`/api/...`), JSON in and out. */
export function haRest<T = unknown>(stack: StackLike, method: string, path: string, body?: unknown): Promise<T> {
  return restCall<T>(stack.hass.url, stack.hass.token, method, path, body);
}

/** Calls an HA service over the websocket and waits for it to finish. */
export function callService(
  conn: Connection,
  domain: string,
  service: string,
  data: Record<string, unknown> = {},
  target?: { entity_id?: string | string[]; device_id?: string | string[] },
): Promise<unknown> {
  return conn.sendMessagePromise({ type: 'call_service', domain, service, service_data: data, ...(target ? { target } : {}) });
}

/**
 * Resolves with the entity's state once `predicate` holds (checked against the current state
 * first, then every change); rejects after `timeoutMs` with the last state seen.
 */
export function waitForState(
  conn: Connection,
  entityId: string,
  predicate: (state: HassEntity) => boolean,
  timeoutMs = 10_000,
): Promise<HassEntity> {
  return new Promise((resolve, reject) => {
    let last: HassEntity | undefined;
    let done = false;
    const sub: { off?: () => void } = {};
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sub.off?.();
      fn();
    };
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${entityId}; last state: ${JSON.stringify(last ?? null)}`)),
        ),
      timeoutMs,
    );
    sub.off = subscribeEntities(conn, (entities) => {
      const state = entities[entityId];
      if (!state) return;
      last = state;
      try {
        if (predicate(state)) finish(() => resolve(state));
      } catch (err) {
        finish(() => reject(err));
      }
    });
    if (done) sub.off();
  });
}

/** The entity's current state, or undefined. */
export async function getState(stack: StackLike, entityId: string): Promise<HassEntity | undefined> {
  try {
    return await haRest<HassEntity>(stack, 'GET', `/api/states/${entityId}`);
  } catch (err) {
    if (err instanceof Error && /HTTP 404/.test(err.message)) return undefined;
    throw err;
  }
}
