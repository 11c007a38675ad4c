/** The one duration parser: ESPHome's time-period forms plus hearth's own (m, 1h30m, bare seconds). */
import { describe, expect, it } from 'vitest';
import { esphomePeriod, parseDurationSeconds } from '../../../src/config/duration.js';

describe('parseDurationSeconds', () => {
  // Every unit name in ESPHome's time_period_str_unit (esphome/config_validation.py).
  it.each([
    ['1500ms', 1.5],
    ['1500 milliseconds', 1.5],
    ['500us', 0.0005],
    ['250000 microseconds', 0.25],
    ['1000000ns', 0.001],
    ['2000000 nanoseconds', 0.002],
    ['1.5s', 1.5],
    ['90 sec', 90],
    ['10 seconds', 10],
    ['2min', 120],
    ['3 minutes', 180],
    ['1h', 3600],
    ['2 hours', 7200],
    ['1d', 86400],
    ['2 days', 172800],
    ['.5s', 0.5],
  ])('ESPHome unit form %s → %f s', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBeCloseTo(seconds, 9);
  });

  it.each([
    ['1:30', 5400], // ESPHome's time_period_str_colon: HH:MM, not MM:SS
    ['1:30:00', 5400],
    ['0:00:45', 45],
    ['24:00:00', 86400],
  ])('ESPHome colon form %s → %i s', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });

  it('ESPHome mapping form { hours, minutes, seconds, milliseconds }', () => {
    expect(parseDurationSeconds({ hours: 1, minutes: 30 })).toBe(5400);
    expect(parseDurationSeconds({ seconds: 1, milliseconds: 500 })).toBe(1.5);
    expect(parseDurationSeconds({ weeks: 1 })).toBeUndefined();
    expect(parseDurationSeconds({})).toBeUndefined();
  });

  it("hearth's own forms stay: m for minutes, units in sequence, bare seconds", () => {
    expect(parseDurationSeconds('15m')).toBe(900);
    expect(parseDurationSeconds('1h30m')).toBe(5400);
    expect(parseDurationSeconds('1min 30s')).toBe(90);
    expect(parseDurationSeconds('90')).toBe(90);
    expect(parseDurationSeconds(2)).toBe(2);
  });

  it.each(['soon', '', '5 parsecs', '-5s', '1:2:3:4', 'ms', '5s5', '1h 30'])('refuses %j', (text) => {
    expect(parseDurationSeconds(text)).toBeUndefined();
  });
});

describe('esphomePeriod', () => {
  it('writes a period ESPHome takes (one unit, exact)', () => {
    expect(esphomePeriod(1.5)).toBe('1500ms');
    expect(esphomePeriod(2)).toBe('2s');
    expect(esphomePeriod(0.25)).toBe('250ms');
    expect(esphomePeriod(0.0005)).toBe('500us');
    expect(esphomePeriod(5400)).toBe('5400s');
  });

  it('round-trips through the parser', () => {
    for (const s of [0.001, 0.32, 1.5, 2, 30, 90, 300]) expect(parseDurationSeconds(esphomePeriod(s))).toBeCloseTo(s, 9);
  });
});
