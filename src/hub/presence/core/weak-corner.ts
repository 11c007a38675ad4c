/**
 * A device pinned in the room it left while the filter finds "outside" likelier than every room
 * (hmm.ts), though it is still heard: the way out of that state. Pure.
 */
import { AWAY, type DeviceContext, type DeviceTrack, type RoomScores } from './device.js';
import type { HmmState } from './hmm.js';

/**
 * A device still heard long after the filter found it likelier outside than in any room is at
 * home, in a spot every node hears weakly (a corner far from its room's node), not passing the
 * outside wall (that takes seconds; leaving, the device falls silent and is away after
 * `away_after`). The filter's veto on moves while outside is likelier (hmm.ts) would pin it in
 * the room it left, and the outside state absorbs the probability the rooms would gather. So
 * while outside leads and the device is heard, each room's emission lead over the incumbent's
 * (the filter's own per-second log-likelihood) is summed (never below 0; only while the room's
 * node hears the device at least as well as the incumbent's gains count); once outside has led
 * for twice `away_after` (longer than leaving takes), the room whose sum clears the bar a room
 * clears in the filter (out of the sticky prior's floor, −ln(`hmm_switch_rate` / (rooms − 1)),
 * then `hmm_threshold`) wins. Returns that room, if any.
 */
export function heardInside(device: DeviceTrack, state: HmmState, scores: RoomScores, now: number, ctx: DeviceContext): string | undefined {
  let top = -Infinity;
  for (const [r, v] of state.logp) if (r !== AWAY && v > top) top = v;
  const outside = state.logp.get(AWAY) ?? -Infinity;
  const emission = state.emission;
  if (!emission || outside <= top) {
    delete device.outsideSince;
    return undefined;
  }
  const inside = (device.outsideSince ??= { at: now, t: now, lead: new Map<string, number>() });
  const dt = Math.max(0, now - inside.t) / 1000;
  inside.t = now;
  const mine = emission.get(state.room) ?? 0;
  const level = scores.high.get(state.room) ?? -Infinity;
  let best: string | undefined;
  let most = 0;
  for (const [r, v] of emission) {
    if (r === AWAY || r === state.room) continue;
    // Only while the room's own node hears the device at least as well as the incumbent's: a
    // fingerprint that no longer fits the incumbent is no evidence for a room heard worse.
    const ahead = (scores.high.get(r) ?? -Infinity) >= level;
    const lead = Math.max(0, (inside.lead.get(r) ?? 0) + (ahead ? v - mine : Math.min(0, v - mine)) * dt);
    inside.lead.set(r, lead);
    if (lead > most) [best, most] = [r, lead];
  }
  // The bar a room clears in the filter: out of the sticky prior's floor, then hmm_threshold.
  const bar = ctx.options.hmm_threshold - Math.log(ctx.options.hmm_switch_rate / Math.max(1, ctx.rooms.length - 1));
  if (now - inside.at < 2 * ctx.options.away_after * 1000 || best === undefined || most < bar) return undefined;
  delete device.outsideSince;
  return best;
}
