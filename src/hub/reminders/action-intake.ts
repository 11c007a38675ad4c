/**
 * Done/Snooze/Skip from outside the buttons: phone notification actions (HA's
 * `mobile_app_notification_action` events) and the MQTT command topics of HA's buttons.
 */
import type { Logger } from '../../log.js';
import { routineIdOfCommandTopic, type DiscoveryContext } from '../mqtt/discovery.js';
import { parseNotificationActionId, type ReminderEvent } from './core/reminder.js';

export interface ActionIntakeDeps {
  context: DiscoveryContext;
  log: Logger;
  isRoutine: (id: string) => boolean;
  dispatch: (routine: string, event: ReminderEvent) => void;
}

export interface ActionIntake {
  onNotificationAction(event: { data?: { action?: string } }): void;
  onCommand(topic: string, payload: Buffer): void;
}

export function createActionIntake(deps: ActionIntakeDeps): ActionIntake {
  const { log } = deps;
  return {
    onNotificationAction(event) {
      const parsed = event.data?.action ? parseNotificationActionId(event.data.action) : undefined;
      if (!parsed || !deps.isRoutine(parsed.routine)) return;
      log.info(parsed, 'notification action');
      deps.dispatch(parsed.routine, { type: 'action', action: parsed.action, source: 'notification' });
    },
    onCommand(topic, payload) {
      const id = routineIdOfCommandTopic(deps.context, topic);
      const command = payload.toString().trim().toLowerCase();
      if (!id || !deps.isRoutine(id)) return void log.warn({ topic }, 'command for an unknown routine');
      if (command !== 'done' && command !== 'snooze' && command !== 'skip') {
        return void log.warn({ topic, command }, 'unknown routine command (use done, snooze or skip)');
      }
      log.info({ routine: id, command }, 'command from Home Assistant');
      deps.dispatch(id, { type: 'action', action: command, source: 'ha' });
    },
  };
}
