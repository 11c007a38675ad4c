/**
 * Quiet hours: a daily span of local time (minutes after midnight) during which reminders
 * make no light and no notification. `from > to` crosses midnight (22:00 → 07:00);
 * `from == to` is an empty span.
 *
 * One interpretation of local time for every rule (schedule.ts): quiet hours start at the
 * instant the local clock reads `from` and end at the first instant after that at which it
 * reads `to`, both found as a due time is (croner's fixed-time rule): a time inside a
 * spring-forward gap is the first instant after the gap, a time that happens twice (fall
 * back) is its first pass. So quiet hours that ended at 01:30 do not start again when the
 * clock goes back over 01:30, and a span is never shortened or lengthened by reading the wall
 * clock twice.
 */
import { nextLocalMinute, previousLocalMinute } from './schedule.js';

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
  const span = { start, end: nextLocalMinute(start, quiet.to, timezone), nextStart: nextLocalMinute(start, quiet.from, timezone) };
  if (spans.size > 64) spans.clear();
  spans.set(key, span);
  return span;
}

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
  return span.end <= t ? span.end : undefined;
}
