/**
 * Quiet hours: a daily span of local time (minutes after midnight) during which reminders
 * make no light and no notification. `from > to` crosses midnight (22:00 → 07:00);
 * `from == to` is an empty span.
 */
import { minuteOfDay, nextLocalMinute } from './schedule.js';

export interface QuietHours {
  /** Minutes after local midnight. */
  from: number;
  to: number;
}

export function inQuietHours(t: number, quiet: QuietHours | undefined, timezone: string): boolean {
  if (!quiet || quiet.from === quiet.to) return false;
  const m = minuteOfDay(t, timezone);
  return quiet.from < quiet.to ? m >= quiet.from && m < quiet.to : m >= quiet.from || m < quiet.to;
}

/** The next instant after t at which quiet hours start or end; undefined when there are none. */
export function nextQuietBoundary(t: number, quiet: QuietHours | undefined, timezone: string): number | undefined {
  if (!quiet || quiet.from === quiet.to) return undefined;
  return nextLocalMinute(t, inQuietHours(t, quiet, timezone) ? quiet.to : quiet.from, timezone);
}
