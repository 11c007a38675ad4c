/**
 * The HA websocket handshake over the `ws` package (Node 20 has no global WebSocket), as a
 * `createSocket` for home-assistant-js-websocket. Retries forever with capped exponential
 * backoff; the one error that stops retrying is a rejected token (ERR_INVALID_AUTH), which
 * is a configuration error and not a network hiccup.
 */
import WebSocket from 'ws';
import { ERR_CANNOT_CONNECT, ERR_INVALID_AUTH, type HaWebSocket } from 'home-assistant-js-websocket';
import type { Socket } from 'node:net';
import type { Logger } from '../../log.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';

export interface SocketFactoryDeps {
  /** http(s)://host:port of HA; the websocket is at /api/websocket. */
  url: string;
  token: () => string;
  logger: Logger;
  backoff?: BackoffOptions;
  /** Give up a connect attempt that has not authenticated within this time (ms). */
  connectTimeout?: number;
  /** Stop retrying (hearth is shutting down): the pending attempt rejects ERR_CANNOT_CONNECT. */
  isStopped: () => boolean;
  /** Injected for tests. */
  WebSocketImpl?: typeof WebSocket;
  onAttempt?: (attempt: number, error?: string) => void;
  /** The TCP socket under each websocket (for timing: frame in, command written). */
  onSocket?: (socket: Socket) => void;
}

export const websocketUrl = (url: string): string => `${url.replace(/^http/, 'ws').replace(/\/+$/, '')}/api/websocket`;

type AttemptResult = { socket: HaWebSocket } | { error: 'invalid_auth' | string };

export function createWsSocketFactory(deps: SocketFactoryDeps): () => Promise<HaWebSocket> {
  const log = deps.logger.child({ unit: 'ha-socket' });
  const Impl = deps.WebSocketImpl ?? WebSocket;
  const wsUrl = websocketUrl(deps.url);

  const attempt = (): Promise<AttemptResult> =>
    new Promise((resolve) => {
      let settled = false;
      // No permessage-deflate: HA is on the loopback or the LAN, where compression buys nothing,
      // and `ws` deflates on libuv's threadpool: a command sent from a handler would reach
      // the socket only once the event loop is free again (after the handler's other work).
      // Uncompressed, `ws.send` writes the frame to the socket synchronously.
      const ws = new Impl(wsUrl, { handshakeTimeout: deps.connectTimeout ?? 10_000, perMessageDeflate: false });
      ws.on('upgrade', (res) => deps.onSocket?.(res.socket));
      const done = (result: AttemptResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        ws.removeAllListeners('message');
        if ('error' in result) {
          ws.removeAllListeners();
          ws.on('error', () => {});
          ws.terminate();
        }
        resolve(result);
      };
      const timer = setTimeout(() => done({ error: 'timed out' }), deps.connectTimeout ?? 10_000);
      ws.on('message', (data) => {
        let msg: { type?: string; ha_version?: string; message?: string };
        try {
          msg = JSON.parse(String(data)) as typeof msg;
        } catch {
          return done({ error: 'not a Home Assistant websocket (bad JSON)' });
        }
        if (msg.type === 'auth_required') ws.send(JSON.stringify({ type: 'auth', access_token: deps.token() }));
        else if (msg.type === 'auth_invalid') done({ error: 'invalid_auth' });
        else if (msg.type === 'auth_ok') {
          const socket = ws as unknown as HaWebSocket;
          socket.haVersion = msg.ha_version ?? '0.0.0';
          // Coalesced messages (several results in one frame): the Connection handles arrays.
          ws.send(JSON.stringify({ type: 'supported_features', id: 1, features: { coalesce_messages: 1 } }));
          ws.removeAllListeners('error');
          ws.removeAllListeners('close');
          // A later socket error is reported through 'close' to the Connection.
          ws.on('error', (err) => log.debug({ err: err.message }, 'websocket error'));
          done({ socket });
        }
      });
      ws.on('error', (err) => done({ error: err.message }));
      ws.on('close', (code) => done({ error: `closed (${code})` }));
      ws.on('unexpected-response', (_req, res) => done({ error: `HTTP ${res.statusCode}` }));
    });

  return async () => {
    for (let n = 0; ; n++) {
      if (deps.isStopped()) throw ERR_CANNOT_CONNECT;
      const result = await attempt();
      if ('socket' in result) {
        if (deps.isStopped()) {
          (result.socket as unknown as WebSocket).terminate();
          throw ERR_CANNOT_CONNECT;
        }
        deps.onAttempt?.(n);
        return result.socket;
      }
      if (result.error === 'invalid_auth') throw ERR_INVALID_AUTH;
      deps.onAttempt?.(n, result.error);
      const delay = backoffDelay(n, deps.backoff ?? DEFAULT_BACKOFF);
      if (n === 0 || n % 10 === 0)
        log.warn({ url: wsUrl, err: result.error, attempt: n + 1, retryInMs: delay }, 'cannot connect to Home Assistant; retrying');
      await sleepUnlessStopped(delay, deps.isStopped);
    }
  };
}

async function sleepUnlessStopped(ms: number, isStopped: () => boolean): Promise<void> {
  const step = 250;
  for (let left = ms; left > 0 && !isStopped(); left -= step) {
    await new Promise((r) => setTimeout(r, Math.min(step, left)));
  }
}
