/**
 * Whether a check-in runs in full, shortened (routine data only: no cameras, no model) or not
 * at all, and whether stills may be captured. Rules from the issue: skipped or shortened while
 * the person is away or in quiet hours (per `checkins.when_away` / `in_quiet_hours`); stills
 * only with the cameras switch on and the `capture_when` conditions met. Pure.
 */
import type { CaptureWhen } from '../../config/lifecoach.js';
import { inQuietHours, type QuietHours } from '../../config/quiet-hours.js';
import type { PresenceFacts } from './facts.js';

export type HoldRule = 'skip' | 'short' | 'normal';

export interface Plan {
  run: 'full' | 'short' | 'skip';
  /** Why not full: `away`, `quiet_hours`. */
  reason?: string;
}

export function planCheckin(input: {
  presence: PresenceFacts;
  /** When the check-in starts (epoch ms). */
  at: number;
  /** IANA zone the quiet hours are read in (the household's). */
  timezone: string;
  /** Minutes after local midnight; read by the reminders' rule (config/quiet-hours.ts), DST included. */
  quietHours?: QuietHours | undefined;
  whenAway: HoldRule;
  inQuietHours: HoldRule;
  /** Asked for by hand (CLI, button, API): quiet hours do not hold it back. */
  manual: boolean;
}): Plan {
  const holds: Array<[HoldRule, string]> = [];
  if (!input.presence.home) holds.push([input.whenAway, 'away']);
  if (!input.manual && inQuietHours(input.at, input.quietHours, input.timezone)) holds.push([input.inQuietHours, 'quiet_hours']);
  const skip = holds.find(([rule]) => rule === 'skip');
  if (skip) return { run: 'skip', reason: skip[1] };
  const short = holds.find(([rule]) => rule === 'short');
  if (short) return { run: 'short', reason: short[1] };
  return { run: 'full' };
}

export interface CaptureDecision {
  allowed: boolean;
  /** Why not: `cameras_off`, `no_cameras`, `person_away`, `room:<room>`. */
  reason?: string;
}

export function mayCapture(input: {
  camerasOn: boolean;
  cameraCount: number;
  when: CaptureWhen;
  presence: PresenceFacts;
}): CaptureDecision {
  if (!input.camerasOn) return { allowed: false, reason: 'cameras_off' };
  if (input.cameraCount === 0) return { allowed: false, reason: 'no_cameras' };
  if (input.when.person_home && !input.presence.home) return { allowed: false, reason: 'person_away' };
  if (input.when.rooms && !(input.presence.room && input.when.rooms.includes(input.presence.room))) {
    return { allowed: false, reason: `room:${input.presence.room ?? 'unknown'}` };
  }
  return { allowed: true };
}
