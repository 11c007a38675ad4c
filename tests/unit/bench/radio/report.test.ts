import { describe, expect, it } from 'vitest';
import { seeableDelays } from '../../../../bench/lib/radio/bench.js';
import { casesOf } from '../../../../bench/lib/radio/diagnose.js';
import type { RadioScore } from '../../../../bench/lib/radio/replay.js';
import type { RadioTrace } from '../../../../bench/lib/radio/simulate.js';

const S = 1000;

describe('the radio bench report', () => {
  it('leaves out of the seeable switch delays exactly the stays begun while nothing was known', () => {
    const score = {
      switchDelays: [2, 5, 5, 137.7],
      switchesNotSeen: 3,
      blind: { delays: [137.7, 5], notSeen: 2 },
    } as unknown as RadioScore;
    expect(seeableDelays(score).sort((a, b) => a - b)).toEqual([2, 5, Infinity]);
  });

  it('diagnose lists slow and unseen stays and wrong homecomings as the bench scores them', () => {
    const truth = [
      { t: 0, person: 'sam', room: 'kitchen' },
      { t: 100 * S, person: 'sam', room: 'office' }, // seen after 12 s
      { t: 200 * S, person: 'sam', room: 'bedroom' }, // never seen
      { t: 300 * S, person: 'sam', room: 'away' },
      { t: 900 * S, person: 'sam', room: 'hall' }, // coming home: the kitchen shown first
      { t: 920 * S, person: 'sam', room: 'kitchen' },
      { t: 1000 * S, person: 'sam', room: 'kitchen' },
    ];
    const detected = [
      { t: 5 * S, room: 'kitchen' },
      { t: 112 * S, room: 'office' },
      { t: 340 * S, room: 'away' },
      { t: 895 * S, room: 'kitchen' },
    ];
    const trace = { truth, scenario: 'leaving', seed: 1 } as unknown as RadioTrace;
    const cases = casesOf(trace, detected);
    const brief = cases.map((c) => `${c.kind} ${c.to} ${c.delay}`);
    expect(brief).toContain('switch office 12');
    expect(brief).toContain('not seen bedroom Infinity');
    expect(brief).toContain('homecoming hall -5');
  });
});
