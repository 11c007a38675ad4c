/**
 * Quiet hours (hearth.yaml `quiet_hours`, a routine's own, the life coach's
 * `checkins.quiet_hours`): a daily span of local time (minutes after midnight) during which
 * reminders make no light and no notification and check-ins are skipped or shortened.
 * `from > to` crosses midnight (22:00 → 07:00); `from == to` is an empty span. The one rule
 * for the reminders and the life coach.
 *
 * One interpretation of local time for every rule (wall-clock.ts): quiet hours start at the
 * instant the local clock reads `from` and end at the first instant from then on at which it
 * reads `to`, both found as a due time is (croner's fixed-time rule): a time inside a
 * spring-forward gap is the first instant after the gap, a time that happens twice (fall
 * back) is its first pass. So quiet hours that ended at 01:30 do not start again when the
 * clock goes back over 01:30, quiet hours from 01:30 do not stop for the repeated 01:00–01:30,
 * and a span is never shortened or lengthened by reading the wall clock twice. A span whose
 * both ends fall in the same spring-forward gap (01:15 → 01:45 in Europe/London) is empty
 * that night, as the clock never reads a time inside it.
 */
import { nextLocalMinute, previousLocalMinute } from './wall-clock.js';

export interface QuietHours {
  /** Minutes after local midnight. */
  from: number;
  to: number;
}

interface Span {
  start: number;
  end: number;
  /** When the next span starts: this answer holds for every t in [start, nextStart). */
  nextStart: number;
}

/**
 * The last span answered per zone and quiet hours: every step of a pending reminder asks
 * (the press → LED path among them), and croner takes a few hundred µs per question; the
 * answer holds for a whole day.
 */
const spans = new Map<string, Span>();

/** The quiet span that started last at or before t: [start, end) as instants. */
function lastSpan(t: number, quiet: QuietHours, timezone: string): Span {
  const key = `${timezone}|${quiet.from}|${quiet.to}`;
  const cached = spans.get(key);
  if (cached && t >= cached.start && t < cached.nextStart) return cached;
  const start = previousLocalMinute(t, quiet.from, timezone);
  // At or after start (start - 1 ms): both ends in one spring-forward gap are the same instant.
  const end = nextLocalMinute(start - 1, quiet.to, timezone);
  const span = { start, end, nextStart: nextLocalMinute(start, quiet.from, timezone) };
  if (spans.size > 64) spans.clear();
  spans.set(key, span);
  return span;
}

/** Whether t (epoch ms) is in quiet hours in the zone; false when there are none. */
export function inQuietHours(t: number, quiet: QuietHours | undefined, timezone: string): boolean {
  if (!quiet || quiet.from === quiet.to) return false;
  return t < lastSpan(t, quiet, timezone).end;
}

/** The next instant after t at which quiet hours start or end; undefined when there are none. */
export function nextQuietBoundary(t: number, quiet: QuietHours | undefined, timezone: string): number | undefined {
  if (!quiet || quiet.from === quiet.to) return undefined;
  const span = lastSpan(t, quiet, timezone);
  return t < span.end ? span.end : span.nextStart;
}

/**
 * The instant at or before t at which the last quiet hours ended; undefined when there are
 * none (or none ended yet). Same interpretation as above.
 */
export function lastQuietEnd(t: number, quiet: QuietHours | undefined, timezone: string): number | undefined {
  if (!quiet || quiet.from === quiet.to) return undefined;
  let span = lastSpan(t, quiet, timezone);
  // Still inside it: the one before ended last.
  if (t < span.end) span = lastSpan(span.start - 1, quiet, timezone);
  // An empty span (both ends in one spring-forward gap) never started: the one before ended last.
  if (span.end === span.start) span = lastSpan(span.start - 1, quiet, timezone);
  return span.end <= t ? span.end : undefined;
}
