/**
 * The configuration of hearth's custom Lovelace card (`type: custom:hearth-card`), shared by
 * the generator (which fills it with entity ids from HA's registries) and the card itself.
 * No DOM here: the generator runs in Node.
 */

/** The custom element name; Lovelace maps `custom:hearth-card` to it. */
export const CARD_ELEMENT = 'hearth-card';
export const CARD_TYPE = `custom:${CARD_ELEMENT}`;

export interface HearthCardRoutine {
  /** The routine's state sensor (`sensor.routine_<id>`, state idle|due|nagging|done|…). */
  entity: string;
  /** Its buttons, pressed with `button.press`. */
  done?: string;
  snooze?: string;
  skip?: string;
}

export interface HearthCardConfig {
  type: typeof CARD_TYPE;
  title?: string;
  routines: HearthCardRoutine[];
  /** The life coach's latest check-in sensor, when HA has one. */
  checkin?: string;
}

/** Validates a card config (HA shows a thrown error as the card's error). */
export function checkConfig(config: unknown): HearthCardConfig {
  const c = config as Partial<HearthCardConfig> | undefined;
  if (!c || !Array.isArray(c.routines)) throw new Error('hearth-card: `routines` must be a list of { entity, done, snooze }');
  for (const [i, r] of c.routines.entries()) {
    if (!r || typeof r.entity !== 'string')
      throw new Error(`hearth-card: routines[${i}].entity must be an entity id like sensor.routine_morning_meds`);
  }
  if (c.checkin !== undefined && typeof c.checkin !== 'string') throw new Error('hearth-card: `checkin` must be an entity id');
  return { type: CARD_TYPE, routines: c.routines, ...(c.title ? { title: c.title } : {}), ...(c.checkin ? { checkin: c.checkin } : {}) };
}
