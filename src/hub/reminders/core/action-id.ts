/** Ids of the phone notification's action buttons (done / snooze / skip for one routine). */
import type { ActionKind } from './reminder-state.js';

/** The id of a notification action button, as it comes back in `mobile_app_notification_action`. */
export function notificationActionId(routine: string, action: ActionKind): string {
  return `HEARTH_${action.toUpperCase()}:${routine}`;
}

export function parseNotificationActionId(id: string): { routine: string; action: ActionKind } | undefined {
  const match = /^HEARTH_(DONE|SNOOZE|SKIP):(.+)$/.exec(id);
  if (!match) return undefined;
  return { action: match[1]!.toLowerCase() as ActionKind, routine: match[2]! };
}
