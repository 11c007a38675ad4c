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
import {
  createConnection,
  ERR_INVALID_AUTH,
  type Connection,
  type HassConfig,
  type HaWebSocket,
  type HassServiceTarget,
} from 'home-assistant-js-websocket';
import type { Socket } from 'node:net';
import type WebSocket from 'ws';
import type { Logger } from '../../log.js';
import { applyEntitiesMessage, isUnchanged, type EntitiesMessage, type EntityState, type StateChange } from './entities.js';
import { createWsSocketFactory, websocketUrl } from './socket.js';
import type { BackoffOptions } from './backoff.js';

export type HaState = 'connecting' | 'starting' | 'connected' | 'disconnected' | 'stopped' | 'auth_failed';

export class HaAuthError extends Error {
  constructor(readonly tokenSource: string, url: string) {
    super(`Home Assistant at ${url} rejected the access token from ${tokenSource}: create a long-lived access token in HA (profile → security) and put it there`);
    this.name = 'HaAuthError';
  }
}

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
  let state: HaState = 'disconnected';
  let stopped = true;
  let heartbeat: NodeJS.Timeout | undefined;
  let startingPoll: NodeJS.Timeout | undefined;
  const runningListeners = new Set<() => void>();
  /** whenRunning() callers: resolved on RUNNING, rejected by stop() and a rejected token. */
  let runningWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  const rejectWaiters = (error: Error): void => {
    const waiters = runningWaiters;
    runningWaiters = [];
    for (const w of waiters) w.reject(error);
  };
  const stats = { connects: 0, disconnects: 0, heartbeatTimeouts: 0, stateChanges: 0 };
  /** Things to (re)subscribe once a connection exists; each returns its unsubscribe. */
  const pendingSubs = new Set<PendingSub>();

  interface PendingSub {
    /** Sent on a live socket (from then on the library replays it on every reconnect). */
    opened: boolean;
    open(c: Connection): void;
    close(): void;
  }
  /** A subscription made while disconnected is not replayed by the library: send it on `ready`. */
  const openPending = (c: Connection): void => {
    if (!c.connected) return;
    for (const s of pendingSubs) {
      if (s.opened) continue;
      s.opened = true;
      s.open(c);
    }
  };

  const setState = (next: HaState): void => {
    if (state === next) return;
    state = next;
    log.info({ state: next }, 'Home Assistant connection');
    if (next === 'connected') {
      const waiters = runningWaiters;
      runningWaiters = [];
      for (const w of waiters) w.resolve();
      for (const l of runningListeners) {
        try {
          l();
        } catch (e) {
          log.error({ err: (e as Error).message }, 'onRunning listener failed');
        }
      }
    }
  };

  const fatal = (): void => {
    if (state === 'auth_failed') return;
    setState('auth_failed');
    stopped = true;
    stopHeartbeat();
    conn?.close();
    const error = new HaAuthError(deps.tokenSource, deps.url);
    rejectWaiters(error);
    deps.onFatal(error);
  };

  /** While HA is starting: a one-connection subscription to `homeassistant_started`. */
  let startedSub: { conn: Connection; unsub?: () => Promise<void>; closed: boolean } | undefined;
  const stopWaitingForStarted = (): void => {
    const sub = startedSub;
    startedSub = undefined;
    if (!sub) return;
    sub.closed = true;
    if (sub.conn.connected) void sub.unsub?.().catch(() => {});
  };
  const waitForStarted = (c: Connection): void => {
    if (startedSub?.conn === c) return;
    stopWaitingForStarted();
    const sub: NonNullable<typeof startedSub> = { conn: c, closed: false };
    startedSub = sub;
    // Not replayed by the library on reconnect: a new connection asks get_config again.
    c.subscribeMessage(() => void checkRunning(c), { type: 'subscribe_events', event_type: 'homeassistant_started' }, { resubscribe: false }).then(
      (u) => {
        if (sub.closed) {
          if (c.connected) void u().catch(() => {});
        } else sub.unsub = u;
      },
      (e: unknown) => log.debug({ err: JSON.stringify(e) }, 'subscribing to homeassistant_started failed'),
    );
  };

  /** After (re)connecting: RUNNING → connected; otherwise wait for homeassistant_started (and poll). */
  const checkRunning = async (c: Connection): Promise<void> => {
    clearTimeout(startingPoll);
    try {
      const config = await c.sendMessagePromise<HassConfig>({ type: 'get_config' });
      if (stopped || c !== conn) return;
      if (config.state === 'RUNNING') {
        stopWaitingForStarted();
        return setState('connected');
      }
      setState('starting');
      waitForStarted(c);
      log.info({ haState: config.state }, 'Home Assistant is starting; waiting for RUNNING');
    } catch (e) {
      log.debug({ err: String(e) }, 'get_config failed');
      if (stopped || c !== conn) return;
    }
    startingPoll = setTimeout(() => {
      if (!stopped && conn === c && c.connected && state !== 'connected') void checkRunning(c);
    }, deps.startingPollMs ?? 2000);
  };

  const startHeartbeat = (): void => {
    stopHeartbeat();
    const every = deps.heartbeatMs ?? 30_000;
    const timeout = deps.pongTimeoutMs ?? 10_000;
    heartbeat = setInterval(() => {
      const c = conn;
      if (!c || !c.connected) return;
      const socket = c.socket;
      let answered = false;
      const timer = setTimeout(() => {
        if (answered || c.socket !== socket || stopped) return;
        stats.heartbeatTimeouts++;
        log.warn({ timeoutMs: timeout }, 'no pong from Home Assistant: dropping the connection to reconnect');
        const ws = socket as unknown as WebSocket | undefined;
        if (ws && typeof ws.terminate === 'function') ws.terminate();
        else c.reconnect(true);
      }, timeout);
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
    }, every);
  };
  const stopHeartbeat = (): void => {
    clearInterval(heartbeat);
    heartbeat = undefined;
  };

  const attach = (c: Connection): void => {
    c.addEventListener('ready', () => {
      stats.connects++;
      log.info({ haVersion: c.haVersion }, 'reconnected to Home Assistant');
      openPending(c);
      void checkRunning(c);
    });
    c.addEventListener('disconnected', () => {
      stats.disconnects++;
      clearTimeout(startingPoll);
      stopWaitingForStarted();
      if (!stopped) setState('connecting');
    });
    c.addEventListener('reconnect-error', (_c, err) => {
      if (err === ERR_INVALID_AUTH) fatal();
    });
  };

  /** Timing of the TCP socket under the current websocket. */
  let dataAt: number | undefined;
  let writeWaiters: Array<(at: number) => void> = [];
  const written = (socket: Socket): void => {
    if (writeWaiters.length === 0 || socket.writableCorked > 0) return;
    const at = performance.now();
    const waiters = writeWaiters;
    writeWaiters = [];
    for (const w of waiters) w(at);
  };
  const onSocket = (socket: Socket): void => {
    writeWaiters = [];
    socket.prependListener('data', () => {
      dataAt = performance.now();
    });
    // `ws` writes a frame as cork, write(header), write(payload), uncork: it is on its way
    // once nothing is corked any more.
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    const uncork = socket.uncork.bind(socket);
    socket.write = ((...args: unknown[]) => {
      const ok = write(...args);
      written(socket);
      return ok;
    }) as Socket['write'];
    socket.uncork = () => {
      uncork();
      written(socket);
    };
  };

  const socketFactory = createWsSocketFactory({
    onSocket,
    url: deps.url,
    token: deps.token,
    logger: deps.logger,
    backoff: deps.backoff,
    connectTimeout: deps.connectTimeoutMs,
    isStopped: () => stopped,
    WebSocketImpl: deps.WebSocketImpl,
  });

  const api: HaClient = {
    start() {
      if (!stopped) return;
      stopped = false;
      setState('connecting');
      log.info({ url: websocketUrl(deps.url) }, 'connecting to Home Assistant');
      createConnection({ createSocket: () => socketFactory() as Promise<HaWebSocket> }).then(
        (c) => {
          if (stopped) return c.close();
          conn = c;
          stats.connects++;
          attach(c);
          openPending(c);
          startHeartbeat();
          log.info({ haVersion: c.haVersion }, 'connected to Home Assistant');
          void checkRunning(c);
        },
        (err) => {
          if (err === ERR_INVALID_AUTH) return fatal();
          if (!stopped) log.error({ err: String(err) }, 'Home Assistant connection failed');
        },
      );
    },
    async stop() {
      stopped = true;
      stopHeartbeat();
      clearTimeout(startingPoll);
      stopWaitingForStarted();
      for (const s of pendingSubs) s.close();
      conn?.close();
      conn = undefined;
      if (state !== 'auth_failed') state = 'stopped';
      // Nothing waits for a RUNNING that will not come (a sendMessage would hang forever).
      rejectWaiters(new Error('the Home Assistant client was stopped'));
    },
    get state() {
      return state;
    },
    get haVersion() {
      return conn?.haVersion;
    },
    whenRunning() {
      if (state === 'connected') return Promise.resolve();
      if (state === 'stopped') return Promise.reject(new Error('the Home Assistant client was stopped'));
      if (state === 'auth_failed') return Promise.reject(new HaAuthError(deps.tokenSource, deps.url));
      return new Promise((resolve, reject) => runningWaiters.push({ resolve, reject }));
    },
    onRunning(listener) {
      runningListeners.add(listener);
      return () => void runningListeners.delete(listener);
    },
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
      if (state === 'connected') return send();
      return api.whenRunning().then(send);
    },
    async sendMessage<T>(message: { type: string }) {
      await api.whenRunning();
      if (!conn) throw new Error('not connected to Home Assistant');
      return conn.sendMessagePromise<T>(message);
    },
    subscribeStates(entityIds, cb) {
      const states = new Map<string, EntityState>();
      let unsub: (() => Promise<void>) | undefined;
      let closed = false;
      const onMessage = (message: EntitiesMessage): void => {
        for (const change of applyEntitiesMessage(states, message)) {
          if (change.snapshot && isUnchanged(change)) continue;
          stats.stateChanges++;
          try {
            cb(change);
          } catch (e) {
            log.error({ err: (e as Error).message, entityId: change.entityId }, 'state callback failed');
          }
        }
      };
      const sub: PendingSub = {
        opened: false,
        open(c) {
          c.subscribeMessage<EntitiesMessage>(onMessage, { type: 'subscribe_entities', entity_ids: entityIds }).then(
            (u) => {
              if (closed) void u().catch(() => {});
              else unsub = u;
            },
            (e: unknown) => log.warn({ err: JSON.stringify(e) }, 'subscribe_entities failed'),
          );
        },
        close() {
          closed = true;
          void unsub?.().catch(() => {});
        },
      };
      pendingSubs.add(sub);
      if (conn) openPending(conn);
      return () => {
        pendingSubs.delete(sub);
        sub.close();
      };
    },
    subscribeEvents<T>(eventType: string, cb: (event: T) => void) {
      let unsub: (() => Promise<void>) | undefined;
      let closed = false;
      const sub: PendingSub = {
        opened: false,
        open(c) {
          c.subscribeEvents<T>((ev) => {
            try {
              cb(ev);
            } catch (e) {
              log.error({ err: (e as Error).message, eventType }, 'event callback failed');
            }
          }, eventType).then(
            (u) => {
              if (closed) void u().catch(() => {});
              else unsub = u;
            },
            (e: unknown) => log.warn({ err: JSON.stringify(e), eventType }, 'subscribe_events failed'),
          );
        },
        close() {
          closed = true;
          void unsub?.().catch(() => {});
        },
      };
      pendingSubs.add(sub);
      if (conn) openPending(conn);
      return () => {
        pendingSubs.delete(sub);
        sub.close();
      };
    },
    lastDataAt: () => dataAt,
    onNextWrite(cb) {
      // Bounded: a waiter outlives no more than a handful of commands.
      if (writeWaiters.length >= 100) return () => {};
      writeWaiters.push(cb);
      return () => {
        writeWaiters = writeWaiters.filter((w) => w !== cb);
      };
    },
    stats,
  };
  return api;
}
