/**
 * Done/Snooze/Skip from outside the buttons: phone notification actions (HA's
 * `mobile_app_notification_action` events) and the MQTT command topics of HA's buttons, each
 * turned into its routine's event (undefined for anything else, logged).
 */
import type { Logger } from '../../log.js';
import { routineIdOfCommandTopic, type DiscoveryContext } from '../../discovery/discovery.js';
import { parseNotificationActionId, type ReminderEvent } from './core/reminder.js';

export interface ActionIntakeDeps {
  context: DiscoveryContext;
  log: Logger;
  isRoutine: (id: string) => boolean;
}

/** A routine's event from an action. */
export interface RoutineAction {
  routine: string;
  event: ReminderEvent;
}

export interface ActionIntake {
  /** A `mobile_app_notification_action` event (action id `hearth:<routine>:<action>`). */
  fromNotification(event: { data?: { action?: string } }): RoutineAction | undefined;
  /** A message on a routine's command topic (`done`, `snooze` or `skip`). */
  fromCommand(topic: string, payload: Buffer): RoutineAction | undefined;
}

export function createActionIntake(deps: ActionIntakeDeps): ActionIntake {
  const { log } = deps;
  return {
    fromNotification(event) {
      const parsed = event.data?.action ? parseNotificationActionId(event.data.action) : undefined;
      if (!parsed || !deps.isRoutine(parsed.routine)) return undefined;
      log.info(parsed, 'notification action');
      return { routine: parsed.routine, event: { type: 'action', action: parsed.action, source: 'notification' } };
    },
    fromCommand(topic, payload) {
      const id = routineIdOfCommandTopic(deps.context, topic);
      const command = payload.toString().trim().toLowerCase();
      if (!id || !deps.isRoutine(id)) return void log.warn({ topic }, 'command for an unknown routine');
      if (command !== 'done' && command !== 'snooze' && command !== 'skip') {
        return void log.warn({ topic, command }, 'unknown routine command (use done, snooze or skip)');
      }
      log.info({ routine: id, command }, 'command from Home Assistant');
      return { routine: id, event: { type: 'action', action: command, source: 'ha' } };
    },
  };
}
