/** Check-in times: daily/cron in the household time zone, jitter, warm-up; the timer loop. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkinSettings } from '../../../src/config/lifecoach.js';
import { nextCheckin } from '../../../src/lifecoach/schedule.js';
import { createCheckinScheduler } from '../../../src/lifecoach/scheduler.js';

const TZ = 'Europe/London';
const settings = (s: Record<string, unknown>) => checkinSettings.parse(s);

describe('nextCheckin', () => {
  const now = Date.UTC(2026, 10, 30, 8, 0); // 08:00 London (winter)

  it('picks the next daily time in local time, with jitter and warm-up', () => {
    const p = nextCheckin(settings({ daily: ['19:00', '08:30'], jitter: '5m', warm_up: '2m' }), TZ, now, now, 0.5)!;
    expect(p.slot).toBe(Date.UTC(2026, 10, 30, 8, 30));
    expect(p.at).toBe(p.slot + 150_000);
    expect(p.warmUpAt).toBe(p.at - 120_000);
    expect(nextCheckin(settings({ daily: ['08:30'], jitter: '5m' }), TZ, now, now, 0)!.at).toBe(p.slot);
  });

  it('follows summer time', () => {
    const july = Date.UTC(2026, 6, 1, 5, 0);
    expect(nextCheckin(settings({ daily: ['08:30'], jitter: 0 }), TZ, july, july, 0)!.slot).toBe(Date.UTC(2026, 6, 1, 7, 30));
  });

  it('takes cron, and moves to the next slot after the current one', () => {
    const s = settings({ cron: '0 9 * * 1-5', jitter: 0 });
    const friday = Date.UTC(2026, 11, 4, 10, 0);
    expect(new Date(nextCheckin(s, TZ, friday, friday, 0)!.slot).toISOString()).toBe('2026-12-07T09:00:00.000Z');
  });

  it('a warm-up never lies in the past', () => {
    const p = nextCheckin(settings({ daily: ['08:01'], jitter: 0, warm_up: '5m' }), TZ, now, now, 0)!;
    expect(p.warmUpAt).toBe(now);
  });

  it('has nothing to plan without a schedule', () => {
    expect(nextCheckin(settings({}), TZ, now, now, 0)).toBeUndefined();
  });

  it('a bad cron expression is a config error', () => {
    expect(checkinSettings.safeParse({ cron: '61 9 * * *' }).error?.issues[0]?.message).toMatch(/is not a usable cron expression/);
  });
});

describe('scheduler', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('warms up, then runs the check-in, then plans the next; nothing after stop', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 30, 8, 0) });
    const events: string[] = [];
    const scheduler = createCheckinScheduler({
      settings: settings({ daily: ['08:30', '12:00'], jitter: '5m', warm_up: '2m' }),
      timezone: TZ,
      clock: { now: () => Date.now() },
      random: () => 0.2,
      warmUp: async () => void events.push(`warm ${new Date().toISOString().slice(11, 16)}`),
      checkin: async () => void events.push(`checkin ${new Date().toISOString().slice(11, 16)}`),
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(40 * 60_000);
    expect(events).toEqual(['warm 08:29', 'checkin 08:31']);
    expect(scheduler.next?.slot).toBe(Date.UTC(2026, 10, 30, 12, 0));
    await vi.advanceTimersByTimeAsync(4 * 3600_000);
    expect(events).toEqual(['warm 08:29', 'checkin 08:31', 'warm 11:59', 'checkin 12:01']);
    scheduler.stop();
    await vi.advanceTimersByTimeAsync(48 * 3600_000);
    expect(events).toHaveLength(4);
  });
});
