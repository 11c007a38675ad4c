/**
 * Capped exponential backoff with jitter. Pure (the random source is injected). Kept our own (one
 * formula): the retry libraries (exponential-backoff, p-retry) own the retry loop around a
 * promise, and here the loop is socket.ts's reconnect around home-assistant-js-websocket.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** 0..1: fraction of the delay that is randomised (spreads reconnect storms). */
  jitter?: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, jitter: 0.2 };

/** Delay before attempt `attempt` (0-based): initial·2^attempt, capped, minus up to `jitter` of it. */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  const jitter = options.jitter ?? 0;
  return Math.round(base * (1 - jitter * random()));
}
