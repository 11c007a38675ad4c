/**
 * A bigger household's buttons for bench/hub-burst.ts: `count` reminder buttons
 * (`burst-button-<i>`, the repo's kitchen-meds-button's shape: esp32dev, button on GPIO25,
 * LED on GPIO26), each with a routine of its own (`burst-<i>`), due daily at 08:00 with a
 * 4 h window like the repo's morning-meds, so that a press costs hearth what the single-press
 * anchor's (kitchen-meds-button → morning-meds) does. Pure: the specs as plain objects.
 */

/** The node name of the i-th burst button (0-based). */
export const burstButton = (i: number): string => `burst-button-${i}`;
/** The routine id of the i-th burst button. */
export const burstRoutine = (i: number): string => `burst-${i}`;

export interface BurstHousehold {
  /** Device specs (devices/*.yaml shape), one reminder button each. */
  devices: Record<string, unknown>[];
  /** hearth.yaml routines, one per button, for `person`. */
  routines: Record<string, unknown>[];
}

/** `count` buttons with their routines; `person` must be one of the household's people. */
export function burstHousehold(count: number, person = 'sam'): BurstHousehold {
  const devices: Record<string, unknown>[] = [];
  const routines: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    devices.push({
      kind: 'reminder-button',
      name: burstButton(i),
      friendly_name: `Burst button ${i}`,
      area: 'Burst',
      board: 'esp32dev',
      routine: burstRoutine(i),
      button: { pin: 'GPIO25' },
      led: { pin: 'GPIO26' },
    });
    routines.push({
      id: burstRoutine(i),
      title: `Burst routine ${i}`,
      person,
      due: { daily: ['08:00'] },
      window: '4h',
      nag_every: '15m',
    });
  }
  return { devices, routines };
}
