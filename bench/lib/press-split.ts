/**
 * A press's time split at the hub's socket, from bench/lib/hub-probe.ts's records: HA in (press
 * at the emulator → its frame's raw socket data at the hub), hearth (→ the LED command written
 * to the socket) and HA out (→ the command at the emulated device). Pure; CLOCK_MONOTONIC ns in,
 * ms out.
 */
import type { ProbeDump } from './hub-process.js';

const ms = (ns: number) => ns / 1e6;

/** One press's time split at the hub's socket (bench/lib/hub-probe.ts), ms each. */
export interface Parts {
  /** press → its frame at the hub's socket */
  haIn: number[];
  /** frame at the socket → LED command written to it: hearth's own time */
  hearth: number[];
  /** command written → at the device */
  haOut: number[];
  /** Presses with a command but no matching probe records (left out), by reason. */
  unmatched: Record<string, number>;
}

export const noParts = (): Parts => ({ haIn: [], hearth: [], haOut: [], unmatched: {} });

/**
 * Adds each answered press to `parts`: its press entity's first frame after the press (raw
 * socket data), then the first `light.turn_off` hearth wrote for its LED after that frame.
 */
export function splitPresses(
  samples: { pressNs: number; commandNs?: number; pressEntity: string; ledEntity: string }[],
  dump: ProbeDump,
  parts: Parts,
): void {
  for (const s of samples) {
    if (s.commandNs === undefined) continue;
    const commandNs = s.commandNs;
    const frame = dump.in
      .filter((r) => r.entity === s.pressEntity && r.mono_ns > s.pressNs && r.mono_ns < commandNs)
      .sort((a, b) => a.mono_ns - b.mono_ns)[0];
    const targets = (id: unknown) => id === s.ledEntity || (Array.isArray(id) && id.includes(s.ledEntity));
    const sent =
      frame && dump.out.find((r) => r.service === 'turn_off' && targets(r.entity_id) && r.mono_ns > frame.mono_ns && r.mono_ns < commandNs);
    const reason = !frame
      ? 'no press frame'
      : frame.raw_ns === undefined
        ? 'no socket data'
        : !sent
          ? 'no turn_off sent'
          : sent.written_ns === undefined
            ? 'no socket write'
            : undefined;
    if (reason || frame?.raw_ns === undefined || sent?.written_ns === undefined) {
      parts.unmatched[reason ?? '?'] = (parts.unmatched[reason ?? '?'] ?? 0) + 1;
      continue;
    }
    parts.haIn.push(ms(frame.raw_ns - s.pressNs));
    parts.hearth.push(ms(sent.written_ns - frame.raw_ns));
    parts.haOut.push(ms(commandNs - sent.written_ns));
  }
}
