/**
 * Escalation to the phone, end to end through HA's real mobile_app: a fake phone registers
 * like the companion app and holds HA's local push channel, so the test sees exactly what
 * the phone gets. With `escalate_after: 2s` a due routine goes to the phone as an actionable
 * notification (Done / Snooze / Skip, tag = routine); the app's action (webhook fire_event →
 * `mobile_app_notification_action`) settles the routine and hearth clears the notification
 * by its tag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpLogsOnFailure, lightState, sharedStack, type StackInfo } from '../helpers/index.js';
import { registerFakePhone, routineOf, startHub, waitFor, type FakePhone, type PhoneNotification, type RunningHub } from './hub-harness.js';

const stack: StackInfo = sharedStack();
dumpLogsOnFailure(() => stack);

const BUTTON = 'kitchen-meds-button';
const ROUTINE = 'morning-meds';
const ESCALATE_S = 2;

let phone: FakePhone;
let hearth: RunningHub;
beforeAll(async () => {
  // hearth.yaml: notify: mobile_app_sams_phone for Sam, whose routine this is.
  phone = await registerFakePhone(stack, 'Sams Phone');
  expect(phone.notifyService).toBe('mobile_app_sams_phone');
  hearth = await startHub(stack, {
    configure: (config) => {
      routineOf(config, ROUTINE).escalate_after = `${ESCALATE_S}s`;
      // Made due by hand only: its real 08:00 occurrence (pending 08:00-12:00, nagging on the
      // quarter hours) would put nags from the schedule between a test's "due" and its escalation.
      routineOf(config, ROUTINE).due = { cron: '0 3 1 1 *' };
    },
  });
});
afterAll(async () => {
  await hearth?.stop();
  await phone?.remove();
});

type RoutineView = { id: string; phase: string; led: boolean };
const phase = async () => (await hearth.api<RoutineView[]>('GET', '/api/routines')).body.find((r) => r.id === ROUTINE)!.phase;
const ledOn = async () => (await lightState(stack, BUTTON)).state;
const isReminder = (since: number) => (n: PhoneNotification) =>
  n.at >= since && n.data?.tag === ROUTINE && n.message !== 'clear_notification';
const isClear = (since: number) => (n: PhoneNotification) => n.at >= since && n.message === 'clear_notification' && n.data?.tag === ROUTINE;

/** Makes the routine due and waits for the escalation to reach the phone. */
async function escalate(): Promise<{ notification: PhoneNotification; afterMs: number }> {
  const t0 = Date.now();
  const r = await hearth.api<RoutineView>('POST', `/api/routines/${ROUTINE}/due`);
  expect(r.body.phase).toMatch(/^(due|nagging)$/);
  await waitFor(ledOn, 10_000, 'LED on');
  const notification = await phone.waitForNotification(isReminder(t0), (ESCALATE_S + 10) * 1000);
  return { notification, afterMs: notification.at - t0 };
}

describe('hub: escalation to the phone', () => {
  it('after escalate_after the phone gets an actionable notification; Done from the phone settles it and clears the notification', async () => {
    const { notification, afterMs } = await escalate();
    console.log(`escalated to the phone ${afterMs} ms after due (escalate_after ${ESCALATE_S} s)`);
    expect(afterMs).toBeGreaterThanOrEqual(ESCALATE_S * 1000 - 50);
    expect(notification).toMatchObject({
      title: 'Take morning meds',
      message: 'Due now',
      data: {
        tag: ROUTINE,
        group: 'hearth',
        actions: [
          { action: `HEARTH_DONE:${ROUTINE}`, title: 'Done' },
          { action: `HEARTH_SNOOZE:${ROUTINE}`, title: 'Snooze' },
          { action: `HEARTH_SKIP:${ROUTINE}`, title: 'Skip' },
        ],
      },
    });
    expect(await phase()).toMatch(/^(due|nagging)$/);

    const tapped = Date.now();
    await phone.tapAction(`HEARTH_DONE:${ROUTINE}`, { tag: ROUTINE });
    await waitFor(async () => (await phase()) === 'done', 10_000, 'done from the phone');
    await waitFor(async () => !(await ledOn()), 10_000, 'LED off');
    await phone.waitForNotification(isClear(tapped), 10_000);

    const kinds = hearth.hub.store!.history({ routine: ROUTINE, limit: 20 });
    expect(kinds.find((r) => r.kind === 'done')?.source).toBe('notification');
    expect(kinds.map((r) => r.kind)).toEqual(expect.arrayContaining(['notification', 'clear_notification', 'done']));
  });

  it('Snooze and Skip from the phone', async () => {
    await escalate();
    let tapped = Date.now();
    await phone.tapAction(`HEARTH_SNOOZE:${ROUTINE}`);
    await waitFor(async () => (await phase()) === 'snoozed', 10_000, 'snoozed from the phone');
    await phone.waitForNotification(isClear(tapped), 10_000);
    await waitFor(async () => !(await ledOn()), 10_000, 'LED off after the snooze');

    await escalate();
    tapped = Date.now();
    await phone.tapAction(`HEARTH_SKIP:${ROUTINE}`);
    await waitFor(async () => (await phase()) === 'skipped', 10_000, 'skipped from the phone');
    await phone.waitForNotification(isClear(tapped), 10_000);
  });

  it('an action for another app or an unknown routine changes nothing', async () => {
    await escalate();
    await phone.tapAction('SOME_OTHER_APP_ACTION');
    await phone.tapAction('HEARTH_DONE:no-such-routine');
    await new Promise((r) => setTimeout(r, 500));
    expect(await phase()).toMatch(/^(due|nagging)$/);
    await phone.tapAction(`HEARTH_DONE:${ROUTINE}`);
    await waitFor(async () => (await phase()) === 'done', 10_000, 'done');
  });

  it("a notification HA cannot deliver (phone not connected) is recorded as failed, with HA's reason", async () => {
    await phone.disconnect();
    const t0 = Date.now();
    expect((await hearth.api('POST', `/api/routines/${ROUTINE}/due`)).status).toBe(200);
    const failed = () => hearth.hub.store!.history({ routine: ROUTINE, kind: 'notification_failed', since: t0, limit: 5 });
    await waitFor(() => failed().length > 0, (ESCALATE_S + 10) * 1000, 'notification_failed recorded');
    const detail = failed()[0]!.detail as { service: string; error: string };
    console.log(`HA refused the notification: ${detail.error}`);
    expect(detail.service).toBe('mobile_app_sams_phone');
    expect(detail.error).toMatch(/push|connect/i);
    expect(hearth.hub.store!.history({ routine: ROUTINE, kind: 'notification', since: t0, limit: 5 })).toHaveLength(1);
    expect(hearth.hub.health().ha).toBe('connected');
  });
});
