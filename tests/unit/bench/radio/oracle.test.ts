import { describe, expect, it } from 'vitest';
import { flapKinds } from '../../../../bench/lib/radio/frontier.js';
import { decide, FULL_KNOWLEDGE, type OracleRun, runOracle } from '../../../../bench/lib/radio/oracle.js';
import { scoreRadio } from '../../../../bench/lib/radio/replay.js';
import { type RadioTrace, simulateRadio } from '../../../../bench/lib/radio/simulate.js';

const S = 1000;

describe('the presence oracle (a bound for the frontier, not an estimator)', () => {
  it('shows nothing before the first reading, then a room only once it leads the shown one by the threshold', () => {
    // rooms a, b; log-probabilities per instant.
    const rows = [
      [0, -9], // before the first reading: nothing shown
      [0, -1], // lead 1 < 2: still nothing
      [0, -3], // a leads by 3: a
      [-1.5, 0], // b leads a by 1.5: a held
      [-2.5, 0], // b leads by 2.5: b
      [0, -1], // a leads by 1: b held
    ];
    const run: OracleRun = {
      rooms: ['a', 'b'],
      t: rows.map((_, i) => i * S),
      logp: Float64Array.from(rows.flat()),
      firstReading: 1 * S,
    };
    expect(decide(run, 2)).toEqual([
      { t: 2 * S, room: 'a' },
      { t: 4 * S, room: 'b' },
    ]);
  });

  it('splits flaps into switches seen over 30 s late and wrong rooms (short, long, away)', () => {
    const truth = [
      { t: 0, person: 'sam', room: 'kitchen' },
      { t: 100 * S, person: 'sam', room: 'office' },
      { t: 400 * S, person: 'sam', room: 'bedroom' },
    ];
    const detected = [
      { t: 5 * S, room: 'kitchen' },
      { t: 150 * S, room: 'office' }, // 50 s late: a flap, late
      { t: 200 * S, room: 'bedroom' }, // wrong, for 10 s: short
      { t: 210 * S, room: 'office' }, // back: a flap too (late: in the office since 100 s)
      { t: 250 * S, room: 'away' }, // wrong: away while home
      { t: 260 * S, room: 'hall' }, // wrong, for 145 s: long
      { t: 405 * S, room: 'bedroom' }, // in time: no flap
    ];
    const trace = { truth } as unknown as RadioTrace;
    expect(flapKinds(trace, detected)).toEqual({ late: 2, away: 1, short: 1, long: 1 });
  });

  it('on a real trace, knowing the radio map beats knowing only "own node strong, others weak"', () => {
    const trace = simulateRadio({ scenario: 'walks', seed: 1, duration: 20 * 60 });
    const full = scoreRadio(trace, decide(runOracle(trace, { switchRate: 0.001 }), 6));
    const generic = scoreRadio(
      trace,
      decide(runOracle(trace, { switchRate: 0.001, knowledge: { ...FULL_KNOWLEDGE, fingerprints: 'generic' } }), 6),
    );
    expect(full.accuracy).toBeGreaterThan(0.95);
    expect(full.accuracy).toBeGreaterThan(generic.accuracy);
    expect(full.flaps).toBeLessThan(generic.flaps);
  });
});
