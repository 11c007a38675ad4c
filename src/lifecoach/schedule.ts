/**
 * When check-ins happen: `checkins.daily` times or `checkins.cron` in the household time zone
 * (croner, as the hub's routines use it, with the same options: Vixie-cron DST rules), plus a
 * random jitter of up to `checkins.jitter`, and the load-only warm-up `checkins.warm_up` before
 * it. Pure: `now` and the random draw are arguments.
 */
import { dailyCron, nextCronRun } from '../config/cron.js';
import type { CheckinSettings } from '../config/lifecoach.js';

export interface PlannedCheckin {
  /** The scheduled instant (without jitter), epoch ms: identifies the slot. */
  slot: number;
  /** When it runs: slot + jitter. */
  at: number;
  /** When the model is loaded (at − warm_up), never before `now`. */
  warmUpAt: number;
}

export function checkinPatterns(settings: Pick<CheckinSettings, 'daily' | 'cron'>): string[] {
  if (settings.cron) return [settings.cron];
  return [...new Set(settings.daily ?? [])].map(dailyCron);
}

/**
 * The next check-in whose slot is after `after` (epoch ms). `random` in [0, 1) draws the jitter.
 * Undefined when the settings have no schedule (on demand only).
 */
export function nextCheckin(
  settings: Pick<CheckinSettings, 'daily' | 'cron' | 'jitter' | 'warm_up'>,
  timezone: string,
  after: number,
  now: number,
  random: number,
): PlannedCheckin | undefined {
  let slot: number | undefined;
  for (const pattern of checkinPatterns(settings)) {
    const at = nextCronRun(pattern, timezone, after);
    if (at !== undefined && (slot === undefined || at < slot)) slot = at;
  }
  if (slot === undefined) return undefined;
  const at = slot + Math.floor(Math.min(Math.max(random, 0), 0.999999) * settings.jitter * 1000);
  return { slot, at, warmUpAt: Math.max(now, at - settings.warm_up * 1000) };
}
