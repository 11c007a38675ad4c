/** Local wall-clock facts of an instant in an IANA time zone (Intl, no dependencies). Pure. */

export type DayPart = 'night' | 'morning' | 'afternoon' | 'evening';

export interface LocalTime {
  /** `HH:MM`, 24 h. */
  time: string;
  /** Minutes after local midnight. */
  minute: number;
  /** `Monday` … `Sunday`. */
  weekday: string;
  /** `YYYY-MM-DD`. */
  date: string;
  dayPart: DayPart;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'long',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** 05:00–12:00 morning, 12:00–17:00 afternoon, 17:00–22:00 evening, else night. */
export function dayPartOf(minute: number): DayPart {
  if (minute >= 300 && minute < 720) return 'morning';
  if (minute >= 720 && minute < 1020) return 'afternoon';
  if (minute >= 1020 && minute < 1320) return 'evening';
  return 'night';
}

export function localTime(t: number, timezone: string): LocalTime {
  const parts = Object.fromEntries(
    formatter(timezone)
      .formatToParts(new Date(t))
      .map((p) => [p.type, p.value]),
  );
  const minute = Number(parts.hour) * 60 + Number(parts.minute);
  return {
    time: `${parts.hour}:${parts.minute}`,
    minute,
    weekday: parts.weekday!,
    date: `${parts.year}-${parts.month}-${parts.day}`,
    dayPart: dayPartOf(minute),
  };
}

/** Whether a local minute lies in a daily span `from`–`to` (minutes; `from > to` crosses midnight). */
export function inSpan(minute: number, span: { from: number; to: number } | undefined): boolean {
  if (!span || span.from === span.to) return false;
  return span.from < span.to ? minute >= span.from && minute < span.to : minute >= span.from || minute < span.to;
}
