/**
 * The three clocks of a streamed model call, one AbortController: a total deadline, a first-token
 * timeout (from the request to the first chunk: a cold load happens before any response header,
 * so this one covers it) and a stall timeout (from one chunk to the next). Whichever fires first
 * aborts the request; `fired` says which.
 */
import type { OllamaFailureKind } from './failure.js';

export interface DeadlineTimes {
  totalMs: number;
  firstTokenMs: number;
  stallMs: number;
}

export interface Deadlines {
  readonly signal: AbortSignal;
  /** Which clock fired (or `aborted` when the caller's signal did); undefined while none has. */
  readonly fired: Extract<OllamaFailureKind, 'timeout_total' | 'timeout_first_token' | 'timeout_stall' | 'aborted'> | undefined;
  /** A chunk arrived: the first-token clock stops, the stall clock restarts. */
  chunk(): void;
  /** Stops every clock (the call is over). */
  dispose(): void;
}

export function startDeadlines(times: DeadlineTimes, outer?: AbortSignal): Deadlines {
  const controller = new AbortController();
  let fired: Deadlines['fired'];
  const fire = (kind: NonNullable<Deadlines['fired']>) => () => {
    if (fired) return;
    fired = kind;
    controller.abort(new Error(kind));
  };
  const total = setTimeout(fire('timeout_total'), times.totalMs);
  let phase = setTimeout(fire('timeout_first_token'), Math.min(times.firstTokenMs, times.totalMs));
  const onOuter = fire('aborted');
  if (outer?.aborted) onOuter();
  else outer?.addEventListener('abort', onOuter, { once: true });
  return {
    signal: controller.signal,
    get fired() {
      return fired;
    },
    chunk() {
      if (fired) return;
      clearTimeout(phase);
      phase = setTimeout(fire('timeout_stall'), times.stallMs);
    },
    dispose() {
      clearTimeout(total);
      clearTimeout(phase);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}
