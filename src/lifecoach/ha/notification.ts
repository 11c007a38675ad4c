/**
 * A check-in as HA `notify.<service>` data for the companion app: `tag` (a newer check-in
 * replaces the older), `group`, and Done / Snooze actions for the routines it names that are
 * still open — at most three actions, the app's limit on Android. A replacing notification
 * (the model's version after the data-first one) does not alert again (`alert_once` on
 * Android, `interruption-level: passive` on iOS). Action ids come from the hub (its existing
 * action handling marks the routine done). Pure.
 */
import type { CheckinNotification } from '../checkin/runner.js';

export interface NotifyServiceData {
  title: string;
  message: string;
  data: Record<string, unknown>;
}

const MAX_ACTIONS = 3;

export function checkinNotifyData(
  n: CheckinNotification,
  deps: { actionId(routine: string, action: 'done' | 'snooze'): string; titleOf(routine: string): string | undefined },
): NotifyServiceData {
  const actions: Array<{ action: string; title: string }> = [];
  for (const routine of n.actionable) {
    const title = deps.titleOf(routine) ?? routine;
    actions.push({ action: deps.actionId(routine, 'done'), title: `Done: ${title}` });
    if (n.actionable.length === 1) actions.push({ action: deps.actionId(routine, 'snooze'), title: 'Snooze' });
  }
  const data: Record<string, unknown> = { tag: n.tag, group: 'hearth-coach', actions: actions.slice(0, MAX_ACTIONS) };
  if (n.replaces) {
    data.alert_once = true;
    data.push = { 'interruption-level': 'passive' };
  }
  return { title: n.title, message: n.message, data };
}

/** The part of the hub's HA client used to notify (HaClient fits). */
export interface HaServicePort {
  callService(domain: string, service: string, data?: Record<string, unknown>): Promise<unknown>;
}

/** Sends a check-in through `notify.<service>` (the person's `notify:` setting, e.g. mobile_app_sams_phone). */
export async function sendCheckinNotification(
  ha: HaServicePort,
  service: string,
  n: CheckinNotification,
  deps: Parameters<typeof checkinNotifyData>[1],
): Promise<void> {
  const { title, message, data } = checkinNotifyData(n, deps);
  await ha.callService('notify', service, { title, message, data });
}
