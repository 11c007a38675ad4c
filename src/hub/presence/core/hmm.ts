/**
 * A device's room by a forward filter (a hidden Markov model) over the rooms, with fingerprints
 * learned from the household's own readings. Pure: time comes in as an argument. Used instead of
 * the evidence account of device.ts when `estimator` is `hmm`.
 *
 * - State: the log-probability of each room (`logp`, normalised: the most likely is 0 after
 *   normalising by the log-sum).
 * - Transition (sticky prior): each second the device leaves its room with probability
 *   `hmm_switch_rate`, into a room next to it (the floor plan's `doors`; without them every
 *   room is next to every other); a room that is not next to it gets that probability divided
 *   by `far_factor`. In log space this floors a challenger's log-odds at ≈ log(rate), which
 *   is what lets it overtake in seconds once the readings favour it.
 * - Emission, per second (readings are correlated over seconds, so each second is one look,
 *   not each report): the vector of every up node's filtered RSSI (a node that is up and does not
 *   hear the device at `unheard_rssi`: far, not absent; an unavailable node is left out; a node
 *   overdue with its report falls towards the floor: `silentValue`):
 *   1. strongest-node term: `hmm_sharpness` × (room's best node − best node anywhere), clipped
 *      at −`evidence_cap` dB (a room's own node leads the next by ~10 dB median);
 *   2. fingerprint term, for rooms with one learned: each node's reading against its mean and
 *      spread in that room (a diagonal Gaussian, each node's z clipped at 3: one odd node cannot
 *      veto a room), less the offset common to the heard nodes (fingerprints.ts: the shape,
 *      not the level), mean over nodes, times `hmm_fingerprint`. A room without a fingerprint yet
 *      scores what a right room scores on average (−½), so learning one never favours or
 *      penalises a room by itself. A node on a wall shared with the next room, or the body
 *      blocking the own node, then still looks like "here" on the other nodes.
 * - Evidence under correlated errors (`hmm_correlation`, τ s): shadowing and the body hold an
 *   offset for seconds, so the same offset seen again each second is not new evidence. Each step
 *   adds `level` × emission × dt plus `change` × (emission − the emission the last step
 *   counted), the exact log-likelihood ratio for an AR(1) error with correlation time τ when the
 *   evidence is linear in the readings (`evidenceWeights`): a move shows at once as a change,
 *   a spell that comes and goes pays back what it gave, a held offset counts ≈ 1/(2τ) per second.
 * - Learning: while the device has been in its room for 20 s and the filter is sure of it (log-odds
 *   over the next room ≥ 2 × `hmm_threshold`), and no companion in the same room points elsewhere
 *   that second (an independent look agrees), each second each up node's value updates the room's
 *   fingerprint (fingerprints.ts: exponentially weighted, last ~200 s of samples, spread floored
 *   at 9 dB).
 * - Outside (`hmm_outside_rssi`, optional): one more state, the device outside the house, scored
 *   as if a node there read that level (a person walking past the kitchen's outside wall is heard
 *   only weakly, by the kitchen). It never moves the device (away is decided by silence, device.ts),
 *   but a room less likely than it does not win: no trip into the kitchen on the way out or in.
 * - Decision: the device moves when a room's log-odds over the incumbent reach `hmm_threshold`,
 *   unless a companion it is pooled with (carried along) itself still favours the incumbent:
 *   the person did not move, only this device's readings did (a watch's wrist against a wall).
 *   A companion left behind (phone on the desk) stops being pooled after `hmm_pool_hold`.
 */
import type { DeviceContext, DeviceTrack, Link } from './device.js';
import { AWAY, fresh } from './device.js';
import { learnPrint, printScore, type Prints } from './fingerprints.js';

export interface HmmState {
  /** The room the filter was seeded for (re-seeded when the device is moved by other rules). */
  room: string;
  logp: Map<string, number>;
  /** The device's fingerprints: room → node → statistics (fingerprints.ts), kept across re-seeding. */
  prints: Prints;
  at: number;
  /** Last time a fingerprint sample was taken (one per second). */
  learnedAt?: number;
  /** The device's own emission at its last step (per second, per room), for its companions. */
  emission?: Map<string, number>;
  /** The emission (own, and each pooled companion's) the last step counted, for the change term. */
  counted?: Map<string, ReadonlyMap<string, number>>;
  /** The best level of any node when the incumbent's own nodes went unavailable (dBm). */
  darkBest?: number;
  /** Per companion (tracker): since when its emission's best room has differed from this one's. */
  diverged?: Map<string, number>;
}

/** A device of the same person in the same room (carried together, until shown otherwise). */
export interface Companion {
  tracker: string;
  state: HmmState;
}

function argmax(m: ReadonlyMap<string, number>): string | undefined {
  let best: string | undefined;
  let top = -Infinity;
  for (const [k, v] of m) if (v > top) [best, top] = [k, v];
  return best;
}

const LN_FLOOR = -50;
/** Seconds in the room (and sure of it) before its seconds are learned. */
const SETTLE_MS = 20_000;
/** What a room without a fingerprint scores: what a right room scores on average (E[−z²/2] = −½). */
const UNLEARNED = -0.5;

export function seedHmm(room: string, rooms: readonly string[], now: number, prints?: Prints): HmmState {
  const logp = new Map<string, number>();
  for (const r of rooms) logp.set(r, r === room ? 0 : LN_FLOOR);
  logp.set(AWAY, LN_FLOOR);
  return { room, logp, prints: prints ?? new Map(), at: now };
}

/** A silent node's value falls this fast (dB per second) once it is overdue… */
export const SILENCE_SLOPE = 3;
/** …which it is after this many of its usual gaps between reports without one. */
export const SILENCE_GRACE = 1.5;

/**
 * A node's value for the device at `now`, dBm: its filtered RSSI, falling by SILENCE_SLOPE per
 * second once the node is overdue (no report for SILENCE_GRACE × its usual gap), never below
 * `unheard`. ESPHome's `throttle_average` publishes an interval's average only when it heard a
 * packet in it: a node that has gone quiet heard none of the advertisements that several
 * reports' worth of time brought, i.e. the device has dropped towards its floor — not stayed
 * where the last report put it (until `stale_after` calls it unheard, that last value would
 * hold a room the person has left).
 */
export function silentValue(l: Link & { filter: { last: number } }, value: number, now: number, unheard: number): number {
  const overdue = (now - l.filter.last - SILENCE_GRACE * (l.gap ?? 0)) / 1000;
  if (l.gap === undefined || overdue <= 0) return value;
  return Math.max(unheard, value - SILENCE_SLOPE * overdue);
}

export interface Observation {
  /**
   * Each up node's value for the device (node → dBm): filtered RSSI less its silence
   * (silentValue), or `unheard_rssi` for one that does not hear it. Unavailable nodes are left out.
   */
  nodes: Map<string, number>;
  /**
   * Each room's level: its best node, each node at the higher of its filter's last two values
   * (a reading is confirmed by the next: one stray report never moves a device), less its
   * silence. Rooms without an up node are missing.
   */
  rooms: Map<string, number>;
}

export function observation(device: DeviceTrack, now: number, ctx: DeviceContext): Observation {
  const staleMs = ctx.options.stale_after * 1000;
  const unheard = ctx.options.unheard_rssi;
  const nodes = new Map<string, number>();
  const rooms = new Map<string, number>();
  for (const [name, l] of device.links) {
    const room = ctx.roomOf(name);
    if (!l.up || room === undefined) continue;
    let value = unheard;
    let level = unheard;
    if (fresh(l, now, staleMs)) {
      value = silentValue(l, l.filter.x, now, unheard);
      level = silentValue(l, l.prev === undefined ? l.filter.x : Math.max(l.filter.x, l.prev), now, unheard);
    }
    nodes.set(name, value);
    const b = rooms.get(room);
    if (b === undefined || level > b) rooms.set(room, level);
  }
  return { nodes, rooms };
}

function logSumExp(values: Iterable<number>): number {
  let max = -Infinity;
  const list = [...values];
  for (const v of list) if (v > max) max = v;
  if (!Number.isFinite(max)) return max;
  let s = 0;
  for (const v of list) s += Math.exp(v - max);
  return max + Math.log(s);
}

/**
 * One step of the filter up to `now` for a device in a room (not away, not unknown). Returns the
 * room it should move to, if any (the caller moves it).
 */
export function stepHmm(
  state: HmmState,
  device: DeviceTrack,
  now: number,
  ctx: DeviceContext,
  rooms: readonly string[],
  companions: readonly Companion[] = [],
): string | undefined {
  const { options } = ctx;
  const dt = Math.min(10, Math.max(0, now - state.at) / 1000);
  state.at = Math.max(state.at, now);
  if (dt <= 0) return undefined;
  const seen = observation(device, now, ctx);
  const obs = seen.nodes;
  const levels = seen.rooms;
  let best = -Infinity;
  for (const v of levels.values()) if (v > best) best = v;

  // Transition: stay, or come from a neighbour (max-product: the likeliest predecessor).
  const rate = Math.min(0.5, options.hmm_switch_rate * dt);
  const stay = Math.log(1 - rate);
  const prior = new Map<string, number>();
  const outsideLevel = options.hmm_outside_rssi;
  const states = outsideLevel === null ? rooms : [...rooms, AWAY];
  // Plain arrays and the logs taken once: this runs for every device every second, and a Map's
  // entry iterator allocates per entry (most of the hub's garbage under 200 readings/s).
  const fromRooms = [...state.logp.keys()];
  const fromLogp = [...state.logp.values()];
  const leave = Math.log(rate / Math.max(1, states.length - 1));
  const farPenalty = Math.log(options.far_factor);
  for (const r of states) {
    let from = -Infinity;
    for (let i = 0; i < fromRooms.length; i++) {
      const o = fromRooms[i]!;
      const lp = fromLogp[i]!;
      if (o === r) continue;
      if (!Number.isFinite(lp)) continue;
      const move = lp + leave - (ctx.adjacent(o, r) ? 0 : farPenalty);
      if (move > from) from = move;
    }
    const own = (state.logp.get(r) ?? LN_FLOOR) + stay;
    prior.set(r, Math.max(own, from));
  }

  // Emission.
  const cap = options.evidence_cap;
  const emission = new Map<string, number>();
  const fps = new Map<string, number>();
  for (const r of rooms) {
    const fp = printScore(state.prints.get(r), obs, options.unheard_rssi);
    if (fp !== undefined) fps.set(r, fp);
  }
  // The incumbent's nodes all unavailable: no evidence against it. It keeps the level the best
  // node had when they went dark, so a challenger must rise (positive evidence of movement).
  if (levels.has(state.room)) delete state.darkBest;
  else state.darkBest ??= best;
  for (const r of rooms) {
    const level = levels.get(r);
    // Another room whose nodes are all unavailable can be neither confirmed nor ruled out: halfway.
    const strongest =
      level !== undefined
        ? Math.max(-cap, level - best)
        : r === state.room
          ? Math.max(-cap, Math.min(0, state.darkBest! - best))
          : -cap / 2;
    const fp = fps.get(r) ?? UNLEARNED;
    emission.set(r, options.hmm_sharpness * strongest + options.hmm_fingerprint * fp);
  }
  if (outsideLevel !== null)
    emission.set(AWAY, options.hmm_sharpness * Math.max(-cap, Math.min(cap, outsideLevel - best)) + options.hmm_fingerprint * UNLEARNED);
  state.emission = emission;
  // Companions carried together look at the same move: their emissions add, while their best
  // rooms agree or have disagreed for less than `hmm_pool_hold` (a device left on a desk then
  // stops holding the other back).
  const mine = argmax(emission);
  const diverged = (state.diverged ??= new Map());
  const { level, change } = evidenceWeights(options.hmm_correlation);
  const counted = state.counted ?? new Map<string, ReadonlyMap<string, number>>();
  const nextCounted = new Map<string, ReadonlyMap<string, number>>();
  const add = new Map<string, number>();
  // One source's emission (own, or a pooled companion's with `weight`): its level for dt, plus
  // how much it changed since the last step (a source that just joined counts no change).
  const count = (source: string, e: ReadonlyMap<string, number>, weight: number): void => {
    const before = counted.get(source);
    for (const r of states) {
      const v = e.get(r) ?? 0;
      const d = before?.has(r) ? v - before.get(r)! : 0;
      add.set(r, (add.get(r) ?? 0) + weight * (level * v * dt + change * d));
    }
    // Each step makes a new emission map and never changes it afterwards: kept as it is.
    nextCounted.set(source, e);
  };
  count('', emission, 1);
  const pooledWith: HmmState[] = [];
  for (const c of companions) {
    if (!c.state.emission || c.state.room !== state.room) {
      diverged.delete(c.tracker);
      continue;
    }
    if (argmax(c.state.emission) === mine) diverged.delete(c.tracker);
    else if (!diverged.has(c.tracker)) diverged.set(c.tracker, now);
    const since = diverged.get(c.tracker);
    if (since !== undefined && now - since >= options.hmm_pool_hold * 1000) continue;
    if (options.hmm_pool <= 0) continue;
    count(c.tracker, c.state.emission, options.hmm_pool);
    pooledWith.push(c.state);
  }
  state.counted = nextCounted;
  for (const r of states) prior.set(r, prior.get(r)! + add.get(r)!);
  const norm = logSumExp(prior.values());
  for (const [r, v] of prior) state.logp.set(r, Math.max(LN_FLOOR, v - norm));

  const here = state.logp.get(state.room) ?? LN_FLOOR;
  let winner: string | undefined;
  let top = -Infinity;
  let second = -Infinity;
  for (const [r, v] of state.logp) {
    if (r === state.room || r === AWAY) continue;
    if (v > top) [second, top, winner] = [top, v, r];
    else if (v > second) second = v;
  }
  const outside = state.logp.get(AWAY) ?? -Infinity;
  // Learn while sure and settled, one second at a time, and only seconds a companion in the same
  // room does not dispute (its own readings point here too, or it has none): the label is then
  // not this device's word alone, so a wrong room does not teach itself its look.
  if (
    here - Math.max(top, outside) >= 2 * options.hmm_threshold &&
    now - device.since >= SETTLE_MS &&
    companions.every((c) => c.state.room !== state.room || !c.state.emission || argmax(c.state.emission) === state.room) &&
    (state.learnedAt === undefined || now - state.learnedAt >= 1000)
  ) {
    state.learnedAt = now;
    learnPrint(state.prints, state.room, obs);
  }
  // Outside the house (every node weak) is likelier than the winner: no move to a room heard
  // through a wall. A companion carried along (still pooled) that itself favours staying says
  // the person did not move: only this device's readings did (its body side, its antenna).
  if (winner === undefined || top - here < options.hmm_threshold || top < outside) return undefined;
  if (pooledWith.some((c) => (c.logp.get(state.room) ?? LN_FLOOR) > (c.logp.get(winner) ?? LN_FLOOR))) return undefined;
  state.room = winner;
  return winner;
}

/**
 * How a second's emission counts when the readings' errors are correlated in time, as shadowing
 * and the body make them: an AR(1) error with correlation time `tau` seconds (a = e^(−1/τ) per
 * second). For evidence linear in the readings (a Gaussian of equal spread in every room), the
 * exact log-likelihood ratio of a run of seconds is `level` × the sum of the per-second
 * emissions (the same offset seen again is not new evidence: ≈ 1/(2τ) of it counts) plus
 * `change` × how much the emission changed over the run (a move shows as a change; a spell
 * of shadowing comes and goes and pays back what it gave). τ = 0: independent seconds (level 1,
 * change 0).
 */
export function evidenceWeights(tau: number): { level: number; change: number } {
  if (tau <= 0) return { level: 1, change: 0 };
  const a = Math.exp(-1 / tau);
  return { level: (1 - a) / (1 + a), change: a / (1 + a) };
}

/** The posterior per room, in % (rounded), for the evidence attributes. */
export function posterior(state: HmmState): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [r, v] of [...state.logp].sort(([a], [b]) => a.localeCompare(b))) {
    const p = Math.round(Math.exp(v) * 100);
    if (p > 0) out[r] = p;
  }
  return out;
}
