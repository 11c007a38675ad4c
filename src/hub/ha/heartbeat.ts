/**
 * The heartbeat of the HA connection: a ping every `everyMs`; no pong within `timeoutMs`
 * terminates the socket, and the library reconnects (a half-open TCP connection never closes
 * by itself).
 */
import type { Connection } from 'home-assistant-js-websocket';
import type WebSocket from 'ws';
import type { Logger } from '../../log.js';

export interface HeartbeatDeps {
  everyMs: number;
  timeoutMs: number;
  log: Logger;
  /** The connection now (undefined: none yet). */
  connection: () => Connection | undefined;
  isStopped: () => boolean;
  /** A pong did not come in time (before the socket is dropped). */
  onTimeout: () => void;
}

export interface Heartbeat {
  /** (Re)starts the pings. */
  start(): void;
  stop(): void;
}

export function createHeartbeat(deps: HeartbeatDeps): Heartbeat {
  let interval: NodeJS.Timeout | undefined;
  const stop = (): void => {
    clearInterval(interval);
    interval = undefined;
  };
  const beat = (): void => {
    const c = deps.connection();
    if (!c || !c.connected) return;
    const socket = c.socket;
    let answered = false;
    const timer = setTimeout(() => {
      if (answered || c.socket !== socket || deps.isStopped()) return;
      deps.onTimeout();
      deps.log.warn({ timeoutMs: deps.timeoutMs }, 'no pong from Home Assistant: dropping the connection to reconnect');
      const ws = socket as unknown as WebSocket | undefined;
      if (ws && typeof ws.terminate === 'function') ws.terminate();
      else c.reconnect(true);
    }, deps.timeoutMs);
    c.ping().then(
      () => {
        answered = true;
        clearTimeout(timer);
      },
      () => {
        answered = true; // connection lost: the library's close handling reconnects
        clearTimeout(timer);
      },
    );
  };
  return {
    start() {
      stop();
      interval = setInterval(beat, deps.everyMs);
    },
    stop,
  };
}
