import { describe, expect, it } from 'vitest';
import { noParts, splitPresses } from '../../../bench/lib/press-split.js';
import type { ProbeDump } from '../../../bench/lib/hub-process.js';

const ms = 1e6;
const dump = (d: Partial<ProbeDump>): ProbeDump => ({ in: [], out: [], extensions: [], memory: process.memoryUsage(), mono_ns: 0, ...d });

describe('splitPresses', () => {
  const a = { pressEntity: 'event.burst_button_1_press', ledEntity: 'light.burst_button_1_led' };
  const b = { pressEntity: 'event.burst_button_10_press', ledEntity: 'light.burst_button_10_led' };

  it("splits each press at its own frame and its own LED's command, in a burst whose frames interleave", () => {
    const parts = noParts();
    splitPresses(
      [
        { ...a, pressNs: 0, commandNs: 20 * ms },
        { ...b, pressNs: 0.1 * ms, commandNs: 30 * ms },
      ],
      dump({
        in: [
          { mono_ns: 3 * ms, raw_ns: 2 * ms, entity: b.pressEntity, bytes: 0 },
          { mono_ns: 3 * ms, raw_ns: 2 * ms, entity: a.pressEntity, bytes: 0 },
        ],
        out: [
          { mono_ns: 9 * ms, written_ns: 10 * ms, service: 'turn_off', entity_id: a.ledEntity, id: 1 },
          { mono_ns: 24 * ms, written_ns: 25 * ms, service: 'turn_off', entity_id: [b.ledEntity], id: 2 },
        ],
      }),
      parts,
    );
    expect(parts.haIn).toEqual([2, 1.9]);
    expect(parts.hearth).toEqual([8, 23]);
    expect(parts.haOut).toEqual([10, 5]);
    expect(parts.unmatched).toEqual({});
  });

  it('leaves out, by reason, a press whose frame or command the probe did not see; a lost press is no sample', () => {
    const parts = noParts();
    splitPresses(
      [
        { ...a, pressNs: 0, commandNs: 20 * ms },
        { ...b, pressNs: 0, commandNs: 20 * ms },
        { ...b, pressNs: 0 },
      ],
      dump({
        in: [{ mono_ns: 3 * ms, raw_ns: 2 * ms, entity: b.pressEntity, bytes: 0 }],
        out: [{ mono_ns: 9 * ms, written_ns: 10 * ms, service: 'turn_on', entity_id: b.ledEntity, id: 1 }],
      }),
      parts,
    );
    expect(parts.unmatched).toEqual({ 'no press frame': 1, 'no turn_off sent': 1 });
    expect(parts.hearth).toEqual([]);
  });
});
