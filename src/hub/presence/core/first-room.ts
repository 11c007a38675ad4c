/**
 * The first room of a device: at start, and coming home from away (device.ts asks while the
 * device's room is unknown or away). Also the floor plan read from option `doors`: which rooms
 * are next to each other, and the entrances (rooms with a door to `away`). Pure.
 */
import type { PresenceOptions } from '../../../config/presence-options.js';
import { AWAY, clip, type DeviceContext, type DeviceTrack, type RoomScores } from './device.js';

/**
 * The floor plan of option `doors`: whether two rooms are next to each other. A door to `away`
 * names an entrance; the doors between rooms constrain moves inside only when at least one is
 * given, so `doors: [[hall, away]]` alone names the entrance and leaves every room next to every
 * other. With no door to `away`, every room may be where one comes in.
 */
export function adjacency(doors: readonly (readonly [string, string])[]): (a: string, b: string) => boolean {
  const pairs = new Set(doors.flatMap(([a, b]) => [`${a}|${b}`, `${b}|${a}`]));
  const inside = doors.some(([a, b]) => a !== AWAY && b !== AWAY);
  const outside = doors.some(([a, b]) => a === AWAY || b === AWAY);
  return (a, b) => {
    const out = a === AWAY || b === AWAY;
    if (out ? !outside : !inside) return true;
    return pairs.has(`${a}|${b}`);
  };
}

/** The entrances of option `doors` (rooms with a door to `away`), in the order given. */
export function entrances(options: PresenceOptions): string[] {
  const out: string[] = [];
  for (const [a, b] of options.doors) {
    const room = a === AWAY ? b : b === AWAY ? a : undefined;
    if (room !== undefined && room !== AWAY && !out.includes(room)) out.push(room);
  }
  return out;
}

/** Coming home without entrances: the evidence (× `fix_evidence`) and wait (× `fix_wait`) the first room needs. */
const HOMECOMING_EVIDENCE = 6;
const HOMECOMING_WAIT = 3;
/**
 * Coming home through an entrance (× `fix_wait`): how long another room must have heard the
 * device before the entrance is shown without its own node, and how long the entrance then holds.
 */
export const ENTRY_HOLD = 2;

/**
 * From unknown or away: the room with the strongest evidence, not the first to speak. Every room
 * with confirmed readings races on its lead over the next best, and the first to `fix_evidence`
 * wins (or the strongest after `fix_wait`). Keeps the race in `device.fixSince` and
 * `device.evidence`; returns the room to move to (the caller moves the device) and whether it is
 * an entrance, or undefined while undecided.
 *
 * Coming home with entrances configured (`doors` with `[room, away]`), the first room is the
 * entrance — the room one walks into through the front door — whichever room's node hears the
 * device best at the door (a hall node at the far end of the hall is often beaten by the kitchen
 * node behind a wall). It is shown once the device is home: an entrance's node hears it
 * (confirmed: two readings) at least as well as `hmm_outside_rssi`, or the race above has been
 * decided for another room and 2 × `fix_wait` has passed since the first reading. The
 * estimator (`hmm`) holds it there for 2 × `fix_wait` (shoes, keys: at the door the next room's
 * node often hears best), then moves it on, starting afresh from the entrance (a device that came
 * in another way moves on seconds later). Without entrances, coming home waits until the
 * evidence is decided rather than show a room heard through the outside wall and switch: the race needs
 * `fix_evidence` × 6 (or `fix_wait` × 3 for the strongest), and a room heard no better than
 * `hmm_outside_rssi` (estimator `hmm`) is not the first room for `fix_wait` × 6.
 */
export function firstRoom(
  device: DeviceTrack,
  scores: RoomScores,
  now: number,
  dt: number,
  ctx: DeviceContext,
): { room: string; throughEntrance: boolean } | undefined {
  const { options } = ctx;
  if (device.fixSince === undefined) {
    device.fixSince = now;
    device.evidence.clear();
  }
  const waited = now - device.fixSince;
  const entering = device.room === AWAY;
  const doors = entering ? entrances(options) : [];
  // Coming home, a room heard only as weakly as from outside (hmm_outside_rssi) is not where they came in.
  const outside = options.estimator === 'hmm' ? options.hmm_outside_rssi : null;
  // Coming home without entrances, the first room waits for decided evidence (it is a claim about
  // where someone came in, and the outside wall makes early evidence unreliable).
  const blind = entering && !doors.length;
  const need = blind ? HOMECOMING_EVIDENCE * options.fix_evidence : options.fix_evidence;
  const wait = (blind ? HOMECOMING_WAIT : 1) * options.fix_wait * 1000;
  const allowed = (room: string): boolean =>
    !entering || waited >= 6 * options.fix_wait * 1000 || outside === null || (scores.high.get(room) ?? -Infinity) >= outside;
  let winner: string | undefined;
  let most = 0;
  let strongest: string | undefined;
  let top = -Infinity;
  for (const [room, value] of scores.low) {
    if (value === options.unheard_rssi && scores.unheard.has(room)) continue;
    let next = -Infinity;
    for (const [other, v] of scores.high) if (other !== room && v > next) next = v;
    const lead = clip(value - (Number.isFinite(next) ? next : options.unheard_rssi), options.evidence_cap);
    const e = Math.max(0, (device.evidence.get(room) ?? 0) + lead * dt);
    device.evidence.set(room, e);
    if (value > top) [strongest, top] = [room, value];
    if (allowed(room) && e / need > most) [winner, most] = [room, e / need];
  }
  let pick: string | undefined;
  if (winner !== undefined && most >= 1) pick = winner;
  else if (strongest !== undefined && allowed(strongest) && waited >= wait) pick = strongest;
  if (doors.length) {
    // Through the front door: the entrance, once its node hears the device at an inside level, or
    // once another room has heard it so for fix_wait (a hall node far down the hall).
    let door: string | undefined;
    let level = -Infinity;
    for (const room of doors) {
      const v = scores.low.get(room);
      if (v === undefined || (v === options.unheard_rssi && scores.unheard.has(room)) || v < (outside ?? -Infinity)) continue;
      if (v > level) [door, level] = [room, v];
    }
    if (door !== undefined) pick = pick !== undefined && doors.includes(pick) ? pick : door;
    else if (pick !== undefined && !doors.includes(pick)) pick = waited >= ENTRY_HOLD * options.fix_wait * 1000 ? doors[0]! : undefined;
  }
  return pick === undefined ? undefined : { room: pick, throughEntrance: doors.length > 0 };
}
