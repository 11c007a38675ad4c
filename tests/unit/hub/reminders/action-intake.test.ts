/** The action intake: notification actions and MQTT commands come out as their routine's event (or nothing). */
import { describe, expect, it } from 'vitest';
import { routineCommandTopic } from '../../../../src/discovery/discovery.js';
import { createActionIntake } from '../../../../src/hub/reminders/action-intake.js';
import { notificationActionId } from '../../../../src/hub/reminders/core/action-id.js';
import { silentLogger } from '../../../../src/log.js';

const context = { prefix: 'homeassistant', baseTopic: 'hearth', version: 'test' };
const intake = createActionIntake({ context, log: silentLogger(), isRoutine: (id) => id === 'morning-meds' });

describe('action intake', () => {
  it("an MQTT command is the routine's action from HA; anything else is nothing", () => {
    const topic = routineCommandTopic(context, 'morning-meds');
    expect(intake.fromCommand(topic, Buffer.from(' Done\n'))).toEqual({
      routine: 'morning-meds',
      event: { type: 'action', action: 'done', source: 'ha' },
    });
    expect(intake.fromCommand(topic, Buffer.from('later'))).toBeUndefined();
    expect(intake.fromCommand(routineCommandTopic(context, 'gone'), Buffer.from('done'))).toBeUndefined();
  });

  it('a notification action of a known routine is its action from the phone', () => {
    const action = notificationActionId('morning-meds', 'snooze');
    expect(intake.fromNotification({ data: { action } })).toEqual({
      routine: 'morning-meds',
      event: { type: 'action', action: 'snooze', source: 'notification' },
    });
    expect(intake.fromNotification({ data: { action: notificationActionId('gone', 'done') } })).toBeUndefined();
    expect(intake.fromNotification({ data: {} })).toBeUndefined();
    expect(intake.fromNotification({ data: { action: 'OTHER_APP_ACTION' } })).toBeUndefined();
  });
});
