/**
 * hearth's Home Assistant connection (home-assistant-js-websocket over `ws`).
 *
 * Reconnect rules, all in one place:
 * - setup and reconnect retry forever with capped exponential backoff (socket.ts);
 * - a rejected token is fatal, at setup and on reconnect: `onFatal` is called, no loop;
 * - a heartbeat pings every `heartbeatMs`; no pong within `pongTimeoutMs` terminates the
 *   socket, and the library reconnects (a half-open TCP connection never closes by itself);
 * - subscriptions (subscribeMessage / subscribeEvents) are replayed by the library on
 *   reconnect; state subscriptions get a fresh snapshot, diffed against what we held;
 * - in-flight commands are rejected on a disconnect (the library's rule); callers that
 *   need an effect to land re-assert it on `onRunning`;
 * - hearth acts only once HA reports `RUNNING` (get_config), waiting for
 *   `homeassistant_started` otherwise: `state` is `connected` only then.
 */
import { createConnection, ERR_INVALID_AUTH, type Connection, type HaWebSocket, type HassServiceTarget } from 'home-assistant-js-websocket';
import type WebSocket from 'ws';
import type { Logger } from '../../log.js';
import { HaAuthError } from './auth-error.js';
import type { BackoffOptions } from './backoff.js';
import type { StateChange } from './state-changes.js';
import { createHeartbeat } from './heartbeat.js';
import { createRunningGate, type HaState } from './running-gate.js';
import { createSocketTiming } from './socket-timing.js';
import { createWsSocketFactory, websocketUrl } from './socket.js';
import { createSubscriptions } from './subscriptions.js';

export { HaAuthError } from './auth-error.js';
export type { HaState } from './running-gate.js';

export interface HaClientDeps {
  url: string;
  token: () => string;
  /** Where the token came from, for the fatal message (never the token). */
  tokenSource: string;
  logger: Logger;
  /** A rejected token: the service stops and exits non-zero. */
  onFatal: (error: HaAuthError) => void;
  heartbeatMs?: number;
  pongTimeoutMs?: number;
  backoff?: BackoffOptions;
  connectTimeoutMs?: number;
  /** Poll get_config while HA is starting (a fallback to the homeassistant_started event). */
  startingPollMs?: number;
  WebSocketImpl?: typeof WebSocket;
}

export type StatesCallback = (change: StateChange) => void;
export type Unsubscribe = () => void;

export interface HaClient {
  start(): void;
  stop(): Promise<void>;
  readonly state: HaState;
  readonly haVersion: string | undefined;
  /** Resolves once connected and HA is RUNNING (immediately when it already is); rejects once stopped or the token is rejected. */
  whenRunning(): Promise<void>;
  /** Called on every transition to RUNNING (start and each reconnect): re-assert effects here. */
  onRunning(listener: () => void): Unsubscribe;
  callService(domain: string, service: string, data?: Record<string, unknown>, target?: HassServiceTarget): Promise<unknown>;
  sendMessage<T = unknown>(message: { type: string; [k: string]: unknown }): Promise<T>;
  /** State changes of these entities (snapshot on subscribe and after each reconnect, then changes). */
  subscribeStates(entityIds: string[], cb: StatesCallback): Unsubscribe;
  subscribeEvents<T = unknown>(eventType: string, cb: (event: T) => void): Unsubscribe;
  /**
   * `performance.now()` when the last data from HA reached the socket: inside a state callback
   * run for an uncompressed frame, when that frame arrived.
   */
  lastDataAt(): number | undefined;
  /**
   * Calls `cb` with `performance.now()` once the next frame is written to HA's socket (handed
   * to the kernel, after any corking); never, when the connection drops first.
   */
  onNextWrite(cb: (at: number) => void): Unsubscribe;
  readonly stats: { connects: number; disconnects: number; heartbeatTimeouts: number; stateChanges: number };
}

export function createHaClient(deps: HaClientDeps): HaClient {
  const log = deps.logger.child({ unit: 'ha' });
  let conn: Connection | undefined;
  let stopped = true;
  const connection = (): Connection | undefined => conn;
  const isStopped = (): boolean => stopped;
  const stats = { connects: 0, disconnects: 0, heartbeatTimeouts: 0, stateChanges: 0 };

  const gate = createRunningGate({
    log,
    connection,
    isStopped,
    startingPollMs: deps.startingPollMs ?? 2000,
    authError: () => new HaAuthError(deps.tokenSource, deps.url),
  });
  const heartbeat = createHeartbeat({
    everyMs: deps.heartbeatMs ?? 30_000,
    timeoutMs: deps.pongTimeoutMs ?? 10_000,
    log,
    connection,
    isStopped,
    onTimeout: () => void stats.heartbeatTimeouts++,
  });
  const subscriptions = createSubscriptions({ log, connection, onStateChange: () => void stats.stateChanges++ });
  const timing = createSocketTiming();

  const fatal = (): void => {
    if (gate.state === 'auth_failed') return;
    gate.setState('auth_failed');
    stopped = true;
    heartbeat.stop();
    conn?.close();
    const error = new HaAuthError(deps.tokenSource, deps.url);
    gate.rejectWaiters(error);
    deps.onFatal(error);
  };

  const attach = (c: Connection): void => {
    c.addEventListener('ready', () => {
      stats.connects++;
      log.info({ haVersion: c.haVersion }, 'reconnected to Home Assistant');
      subscriptions.openPending(c);
      void gate.checkRunning(c);
    });
    c.addEventListener('disconnected', () => {
      stats.disconnects++;
      gate.stopWaiting();
      if (!stopped) gate.setState('connecting');
    });
    c.addEventListener('reconnect-error', (_c, err) => {
      if (err === ERR_INVALID_AUTH) fatal();
    });
  };

  const socketFactory = createWsSocketFactory({
    onSocket: timing.onSocket,
    url: deps.url,
    token: deps.token,
    logger: deps.logger,
    backoff: deps.backoff,
    connectTimeout: deps.connectTimeoutMs,
    isStopped,
    WebSocketImpl: deps.WebSocketImpl,
  });

  const api: HaClient = {
    start() {
      if (!stopped) return;
      stopped = false;
      gate.setState('connecting');
      log.info({ url: websocketUrl(deps.url) }, 'connecting to Home Assistant');
      createConnection({ createSocket: () => socketFactory() as Promise<HaWebSocket> }).then(
        (c) => {
          if (stopped) return c.close();
          conn = c;
          stats.connects++;
          attach(c);
          subscriptions.openPending(c);
          heartbeat.start();
          log.info({ haVersion: c.haVersion }, 'connected to Home Assistant');
          void gate.checkRunning(c);
        },
        (err) => {
          if (err === ERR_INVALID_AUTH) return fatal();
          if (!stopped) log.error({ err: String(err) }, 'Home Assistant connection failed');
        },
      );
    },
    async stop() {
      stopped = true;
      heartbeat.stop();
      gate.stopWaiting();
      subscriptions.closeAll();
      conn?.close();
      conn = undefined;
      gate.markStopped();
      // Nothing waits for a RUNNING that will not come (a sendMessage would hang forever).
      gate.rejectWaiters(new Error('the Home Assistant client was stopped'));
    },
    get state() {
      return gate.state;
    },
    get haVersion() {
      return conn?.haVersion;
    },
    whenRunning: gate.whenRunning,
    onRunning: gate.onRunning,
    callService(domain, service, data, target) {
      const message: Record<string, unknown> = { type: 'call_service', domain, service };
      if (data) message.service_data = data;
      if (target) message.target = target;
      const send = (): Promise<unknown> => {
        const c = conn;
        if (!c) return Promise.reject(new Error('not connected to Home Assistant'));
        return c.sendMessagePromise(message as { type: string });
      };
      // RUNNING: onto the socket now, synchronously, before the caller goes on to write its
      // records (press → LED latency); otherwise once HA is RUNNING.
      if (gate.state === 'connected') return send();
      return api.whenRunning().then(send);
    },
    async sendMessage<T>(message: { type: string }) {
      await api.whenRunning();
      if (!conn) throw new Error('not connected to Home Assistant');
      return conn.sendMessagePromise<T>(message);
    },
    subscribeStates: subscriptions.subscribeStates,
    subscribeEvents: subscriptions.subscribeEvents,
    lastDataAt: timing.lastDataAt,
    onNextWrite: timing.onNextWrite,
    stats,
  };
  return api;
}
