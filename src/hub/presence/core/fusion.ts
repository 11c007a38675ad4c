/**
 * A person's room from their devices' rooms: "the last one to move wins". A worn watch moves
 * with the person while a phone put down on a desk stays put, so the device whose room changed
 * most recently is followed (going away counts as a move: the phone leaving with the person
 * while the watch charges at home makes the person away). A device going straight back to the
 * room it left less than `flap_window` ago has not moved (device.ts). With no moves yet, the
 * strongest device wins. Pure.
 */
import type { DeviceTrack } from './device.js';

export interface Fused {
  room: string | null;
  from?: string;
}

/**
 * @param strongest each device's score in its own room (tie-break)
 * @param current the person's room so far
 * @param holdMs when the devices disagree, how long the mover must have stayed before it is followed
 */
export function fuse(
  own: readonly DeviceTrack[],
  strongest: ReadonlyMap<string, number>,
  current: string | null,
  now: number,
  holdMs: number,
): Fused {
  let pick: DeviceTrack | undefined;
  for (const d of own) {
    if (d.room === null) continue;
    if (!pick) {
      pick = d;
      continue;
    }
    const a = d.movedAt ?? -Infinity;
    const b = pick.movedAt ?? -Infinity;
    if (a > b || (a === b && (strongest.get(d.tracker) ?? -Infinity) > (strongest.get(pick.tracker) ?? -Infinity))) pick = d;
  }
  if (!pick) return { room: null };
  if (pick.room === current || current === null) return { room: pick.room, from: pick.tracker };
  const agree = own.every((d) => d.room === null || d.room === pick.room);
  if (agree || now - pick.since >= holdMs) return { room: pick.room, from: pick.tracker };
  // The devices disagree and the mover only just moved: wait (a flap of one device is not a move).
  const stay = own.find((d) => d.room === current);
  return stay ? { room: current, from: stay.tracker } : { room: current };
}
