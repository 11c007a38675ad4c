/**
 * The RUNNING gate: hearth acts only once HA reports `RUNNING` (get_config), waiting for
 * `homeassistant_started` (and polling get_config) otherwise; `state` is `connected` only then.
 * Holds the connection state, the whenRunning() waiters and the onRunning listeners.
 */
import type { Connection, HassConfig } from 'home-assistant-js-websocket';
import type { Logger } from '../../log.js';

export type HaState = 'connecting' | 'starting' | 'connected' | 'disconnected' | 'stopped' | 'auth_failed';

export interface RunningGateDeps {
  log: Logger;
  /** The connection now: answers for an older one are ignored. */
  connection: () => Connection | undefined;
  isStopped: () => boolean;
  /** Poll get_config while HA is starting (a fallback to the homeassistant_started event). */
  startingPollMs: number;
  /** What whenRunning() rejects with once the token was rejected. */
  authError: () => Error;
}

export interface RunningGate {
  readonly state: HaState;
  /** A transition (logged); to `connected`: waiters resolved and listeners called. */
  setState(next: HaState): void;
  /** The client stopped: `stopped` (unless the token was rejected), not logged. */
  markStopped(): void;
  /** After (re)connecting: RUNNING → connected; otherwise wait for homeassistant_started (and poll). */
  checkRunning(c: Connection): Promise<void>;
  /** The connection dropped or the client stops: no more waiting for RUNNING on it. */
  stopWaiting(): void;
  /** Resolves once RUNNING (immediately when it already is); rejects once stopped or the token is rejected. */
  whenRunning(): Promise<void>;
  onRunning(listener: () => void): () => void;
  /** Rejects every whenRunning() caller (stop, rejected token). */
  rejectWaiters(error: Error): void;
}

export function createRunningGate(deps: RunningGateDeps): RunningGate {
  const { log } = deps;
  let state: HaState = 'disconnected';
  let startingPoll: NodeJS.Timeout | undefined;
  const runningListeners = new Set<() => void>();
  /** whenRunning() callers: resolved on RUNNING, rejected by stop() and a rejected token. */
  let runningWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  const rejectWaiters = (error: Error): void => {
    const waiters = runningWaiters;
    runningWaiters = [];
    for (const w of waiters) w.reject(error);
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
    c.subscribeMessage(
      () => void checkRunning(c),
      { type: 'subscribe_events', event_type: 'homeassistant_started' },
      { resubscribe: false },
    ).then(
      (u) => {
        if (sub.closed) {
          if (c.connected) void u().catch(() => {});
        } else sub.unsub = u;
      },
      (e: unknown) => log.debug({ err: JSON.stringify(e) }, 'subscribing to homeassistant_started failed'),
    );
  };

  const checkRunning = async (c: Connection): Promise<void> => {
    clearTimeout(startingPoll);
    try {
      const config = await c.sendMessagePromise<HassConfig>({ type: 'get_config' });
      if (deps.isStopped() || c !== deps.connection()) return;
      if (config.state === 'RUNNING') {
        stopWaitingForStarted();
        return setState('connected');
      }
      setState('starting');
      waitForStarted(c);
      log.info({ haState: config.state }, 'Home Assistant is starting; waiting for RUNNING');
    } catch (e) {
      log.debug({ err: String(e) }, 'get_config failed');
      if (deps.isStopped() || c !== deps.connection()) return;
    }
    startingPoll = setTimeout(() => {
      if (!deps.isStopped() && deps.connection() === c && c.connected && state !== 'connected') void checkRunning(c);
    }, deps.startingPollMs);
  };

  return {
    get state() {
      return state;
    },
    setState,
    markStopped() {
      if (state !== 'auth_failed') state = 'stopped';
    },
    checkRunning,
    stopWaiting() {
      clearTimeout(startingPoll);
      stopWaitingForStarted();
    },
    whenRunning() {
      if (state === 'connected') return Promise.resolve();
      if (state === 'stopped') return Promise.reject(new Error('the Home Assistant client was stopped'));
      if (state === 'auth_failed') return Promise.reject(deps.authError());
      return new Promise((resolve, reject) => runningWaiters.push({ resolve, reject }));
    },
    onRunning(listener) {
      runningListeners.add(listener);
      return () => void runningListeners.delete(listener);
    },
    rejectWaiters,
  };
}
