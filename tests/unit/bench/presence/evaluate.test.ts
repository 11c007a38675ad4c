import { describe, expect, it } from 'vitest';
import { score } from '../../../../bench/lib/presence/evaluate.js';
import type { Trace } from '../../../../bench/lib/presence/trace.js';

/** A person in the kitchen from 0, in the office from 120 s, until 600 s; one reading at the end. */
function trace(): Trace {
  return {
    header: { nodes: [], devices: [{ tracker: 'p', person: 'sam' }] } as unknown as Trace['header'],
    readings: [{ t: 600_000, node: 'kitchen-presence', tracker: 'p', rssi: -60 }] as Trace['readings'],
    truth: [
      { t: 0, person: 'sam', room: 'kitchen' },
      { t: 120_000, person: 'sam', room: 'office' },
    ],
  };
}

describe('presence score: flaps', () => {
  it('a right switch seen more than 30 s late is a flap, counted as late', () => {
    const s = score(trace(), {
      person: 'sam',
      detected: [
        { t: 0, room: 'kitchen' },
        { t: 170_000, room: 'office' },
      ],
    });
    expect(s.flaps).toBe(1);
    expect(s.lateFlaps).toBe(1);
    expect(s.switchDelays).toEqual([50]);
  });

  it('a trip into a wrong room is two flaps (there and back), neither late', () => {
    const detected = [
      { t: 0, room: 'kitchen' },
      { t: 125_000, room: 'office' },
      { t: 300_000, room: 'bedroom' },
      { t: 320_000, room: 'office' },
    ];
    const s = score(trace(), { person: 'sam', detected });
    expect(s.flaps).toBe(2);
    expect(s.lateFlaps).toBe(0);
  });

  it('a switch seen in time is no flap', () => {
    const s = score(trace(), {
      person: 'sam',
      detected: [
        { t: 0, room: 'kitchen' },
        { t: 128_000, room: 'office' },
      ],
    });
    expect(s.flaps).toBe(0);
    expect(s.lateFlaps).toBe(0);
  });
});
