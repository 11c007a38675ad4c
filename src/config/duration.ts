/**
 * The one duration parser of hearth: device specs and hearth.yaml read durations the same way.
 *
 * It takes every form ESPHome's own `time_period` validator takes (esphome/config_validation.py,
 * `time_period_str_unit`, `time_period_str_colon`, `time_period_dict`):
 *  - a number with a unit: `1500ms`, `1.5s`, `90 sec`, `2min`, `1h`, `1d`, `500us`, `10ns`
 *    (long names too: `milliseconds`, `seconds`, `minutes`, `hours`, `days`);
 *  - `HH:MM` or `HH:MM:SS` (ESPHome reads `1:30` as one hour thirty, not as minutes:seconds);
 *  - a mapping `{ hours: 1, minutes: 30 }` (days, hours, minutes, seconds, milliseconds,
 *    microseconds).
 * On top of those, hearth has always taken `m` for minutes (`15m`), units in sequence
 * (`1h30m`, `1min 30s`) and a bare number of seconds; ESPHome itself refuses those three,
 * which is why the generators write what they emit through `esphomePeriod`, never as typed.
 */
import { z } from 'zod';

/** Seconds per unit, by every name ESPHome's `time_period_str_unit` knows, plus hearth's `m`. */
const UNIT_SECONDS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  nanoseconds: 1e-9,
  us: 1e-6,
  microseconds: 1e-6,
  ms: 1e-3,
  milliseconds: 1e-3,
  s: 1,
  sec: 1,
  seconds: 1,
  m: 60,
  min: 60,
  minutes: 60,
  h: 3600,
  hours: 3600,
  d: 86400,
  days: 86400,
};

/** The keys ESPHome's `time_period_dict` takes. */
const DICT_KEYS: Readonly<Record<string, number>> = {
  days: 86400,
  hours: 3600,
  minutes: 60,
  seconds: 1,
  milliseconds: 1e-3,
  microseconds: 1e-6,
};

/** Rounds away binary noise (0.1 + 0.2) at a nanosecond, the finest unit there is. */
const clean = (seconds: number): number => Math.round(seconds * 1e9) / 1e9;

/**
 * A duration in any form above, as seconds (≥ 0); undefined when malformed or negative.
 * Examples: `1500ms` → 1.5, `1:30:00` → 5400, `1h30m` → 5400, `{ minutes: 2 }` → 120, `90` → 90.
 */
export function parseDurationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return fromDict(value as Record<string, unknown>);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  return fromColon(text) ?? fromUnits(text);
}

function fromDict(value: Record<string, unknown>): number | undefined {
  const entries = Object.entries(value);
  if (entries.length === 0) return undefined;
  let total = 0;
  for (const [key, amount] of entries) {
    const unit = DICT_KEYS[key];
    if (unit === undefined || typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) return undefined;
    total += amount * unit;
  }
  return clean(total);
}

function fromColon(text: string): number | undefined {
  const match = /^(\d+):(\d+)(?::(\d+))?$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3] ?? 0);
}

function fromUnits(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?|\.\d+)\s*([a-z]+)\s*/gi)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  let total = 0;
  for (const part of parts) {
    const unit = UNIT_SECONDS[part[2]!.toLowerCase()];
    if (unit === undefined) return undefined;
    total += Number(part[1]) * unit;
  }
  return clean(total);
}

const FORMS = 'e.g. 1500ms, 30s, 15min (or 15m), 2h, 1d, 1h30m, or HH:MM[:SS] such as 1:30:00';

/** A zod field for durations, parsed to seconds. */
export const duration = z.unknown().transform((value, ctx) => {
  const seconds = parseDurationSeconds(value);
  if (seconds === undefined) {
    const shown = typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
    ctx.addIssue({ code: 'custom', message: `${shown} is not a duration (${FORMS})` });
    return z.NEVER;
  }
  return seconds;
});

/**
 * Seconds as an ESPHome time period written exactly, in one unit ESPHome takes: `250ms`,
 * `10s`, `1500ms` for 1.5 s, `90s`; a sub-millisecond remainder goes to `us`.
 */
export function esphomePeriod(seconds: number): string {
  const us = Math.round(seconds * 1e6);
  if (us % 1000 !== 0) return `${us}us`;
  const ms = us / 1000;
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** `HH:MM` (24 h) as minutes after midnight. */
export const timeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM (24 h)')
  .transform((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5)));
