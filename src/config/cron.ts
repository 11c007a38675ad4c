/**
 * Cron expressions of hearth.yaml (routines' `due`, the life coach's `checkins`), read by one
 * evaluator with one set of options, so that validation at load and evaluation at run time
 * cannot disagree. croner's options: 5 or 6 fields; day-of-month and day-of-week ANDed only
 * when both are restricted (Vixie cron's OR is off: `domAndDow: false`); `fixedTimeRule:
 * 'no-wildcard'` applies Vixie cron's DST rules to fixed-time jobs (a time in the spring gap
 * runs at the first valid instant after it, a repeated time runs once).
 */
import { Cron } from 'croner';

const CRON_OPTIONS = {
  paused: true,
  mode: '5-or-6-parts',
  domAndDow: false,
  fixedTimeRule: 'no-wildcard',
} as const;

const compiled = new Map<string, Cron>();

/**
 * A parsed pattern in a time zone (IANA name), cached: a paused Cron without a callback is only
 * an evaluator and schedules nothing. Throws croner's error for an invalid pattern.
 */
export function compileCron(pattern: string, timezone: string): Cron {
  const key = `${timezone}|${pattern}`;
  let cron = compiled.get(key);
  if (!cron) {
    cron = new Cron(pattern, { ...CRON_OPTIONS, timezone });
    compiled.set(key, cron);
  }
  return cron;
}

/** Why a cron expression is not usable (croner's message), or undefined when it is. */
export function cronError(expression: string): string | undefined {
  try {
    compileCron(expression, 'UTC');
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** `HH:MM` (24 h) → the cron expression due at that minute every day. Throws for anything else. */
export function dailyCron(time: string): string {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new Error(`"${time}" is not a time of day as HH:MM`);
  return `${Number(match[2])} ${Number(match[1])} * * *`;
}

/** The first run of `pattern` strictly after `after` (epoch ms) in `timezone`; undefined when no date matches. */
export function nextCronRun(pattern: string, timezone: string, after: number): number | undefined {
  return compileCron(pattern, timezone).nextRun(new Date(after))?.getTime();
}
