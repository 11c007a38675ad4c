/**
 * Routine schedules read the way the hub reads them: a cron expression that no date satisfies
 * (`0 9 30 2 *`: 30 February) is valid syntax but would never fall due, which a person almost
 * certainly did not mean. Pure: hearth.yaml's value and "now" in, warnings out.
 *
 * It reads the raw value leniently, so that a broken routine elsewhere in the file does not
 * hide this warning (every problem is reported in one run).
 */
import { configWarning, type ConfigIssue } from './issues.js';
import { cronError, nextCronRun } from './cron.js';

const field = (v: unknown, key: string): unknown =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const isZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** A warning for each `routines[i].due.cron` that never falls due after `now` (ms since the epoch). */
export function checkSchedules(configFile: string, raw: unknown, now: number = Date.now()): ConfigIssue[] {
  const routines = field(raw, 'routines');
  if (!Array.isArray(routines)) return [];
  const householdZone = str(field(raw, 'timezone'));
  const issues: ConfigIssue[] = [];
  routines.forEach((routine, i) => {
    const cron = str(field(field(routine, 'due'), 'cron'));
    if (cron === undefined || cron.trim().split(/\s+/).length !== 5 || cronError(cron) !== undefined) return; // the schema reports those
    const zone = [str(field(routine, 'timezone')), householdZone].find((z) => z !== undefined && isZone(z)) ?? 'UTC';
    if (nextCronRun(cron, zone, now) !== undefined) return;
    const id = str(field(routine, 'id'));
    issues.push(
      configWarning(
        configFile,
        `routines[${i}].due.cron`,
        `"${cron}" never falls due: no date matches it (e.g. 30 February or 31 April)${id ? `; routine "${id}" will stay idle` : ''}`,
      ),
    );
  });
  return issues;
}
