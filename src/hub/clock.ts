/** The time source every hub unit takes (tests pass their own; no fake timers beside live sockets). */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** setTimeout caps delays at 2^31-1 ms; hub timers re-check at least this often anyway. */
export const MAX_TIMER_MS = 60 * 60 * 1000;
