/**
 * Fingerprints: per room, what each node reads of one device while it is there, learned from the
 * household's own readings (hmm.ts decides which seconds are learned: while the filter is sure
 * and settled), and how well an observation fits them. Pure.
 *
 * A room's fingerprint is, per node, the mean and variance of the node's value (dBm), weighted
 * towards the last MEMORY samples (one a second). It is scored as a diagonal Gaussian with
 * each node's spread floored at MIN_SD and its |z| clipped at Z_CAP, averaged over the nodes
 * (the nodes' errors share the body and the spot: not independent looks).
 *
 * What the room looks like is the shape of the vector, not its level: how the device is carried
 * (pocket, hand, wrist), its battery's transmit power and shadowing near the person shift every
 * node that hears it alike. So the score first takes out a common offset — the mean of the heard
 * nodes' differences from the fingerprint, shrunk towards 0 as if one more node had read no
 * difference (OFFSET_PRIOR: with one heard node, half of its difference is taken as common) —
 * and scores what is left. A node at or near the floor (not hearing the device now, or mostly not
 * while in the room) carries no level to shift: it is scored as it reads.
 */

/** Mean and variance (dBm, dB²) of one node's value while the device was in one room. */
export interface PrintStat {
  n: number;
  mean: number;
  v: number;
}

/** room → node → statistics (one device's). */
export type Prints = Map<string, Map<string, PrintStat>>;

/** Samples a node's statistics need before they are used. */
export const MIN_SAMPLES = 30;
/** How many samples the mean and variance run over (exponentially weighted beyond). */
export const MEMORY = 200;
/**
 * Floor of a node's spread, dB: shadowing (σ 5–7 dB, correlated for seconds), the body (5–8 dB)
 * and the spot in the room move a node's value that much between visits; a narrower learned
 * spread is one visit's. Tighter floors (4–7 dB) did worse on the bench (an odd spot reads as
 * another room), wider (12 dB) too (the term stops telling rooms apart).
 */
export const MIN_SD = 9;
/** A node's |z| counts at most this: one odd node (a body right in front of it) cannot veto a room. */
export const Z_CAP = 3;
/** How many nodes' worth a zero offset counts for in the common offset (shrinkage towards none). */
export const OFFSET_PRIOR = 1;
/** A node value or learned mean within this of the floor (`unheard`, dBm) is "not heard": no offset. */
const HEARD_MARGIN = 5;
/** First guess of a node's variance, dB², until samples come. */
const FIRST_VARIANCE = 36;

/**
 * The common offset of an observation against a fingerprint, dB: the heard nodes' mean difference
 * from their learned means, shrunk by OFFSET_PRIOR; 0 when no node is heard in both.
 */
export function commonOffset(stats: ReadonlyMap<string, PrintStat>, obs: ReadonlyMap<string, number>, unheard: number): number {
  let sum = 0;
  let k = 0;
  for (const [node, x] of obs) {
    const s = stats.get(node);
    if (!s || s.n < MIN_SAMPLES || !heard(x, s, unheard)) continue;
    sum += x - s.mean;
    k++;
  }
  return k ? sum / (k + OFFSET_PRIOR) : 0;
}

const heard = (x: number, s: PrintStat, unheard: number): boolean => x > unheard + HEARD_MARGIN && s.mean > unheard + HEARD_MARGIN;

/**
 * Fingerprint log-likelihood of one room for an observation (node → dBm; `unheard`: the value a
 * node that does not hear the device reads, dBm): the mean of −z²/2 over the nodes with at least
 * MIN_SAMPLES samples, z = (value − common offset − mean) / max(spread, MIN_SD), |z| ≤ Z_CAP (the
 * offset only for heard nodes: commonOffset). Undefined when the room has no such node (no
 * fingerprint yet).
 */
export function printScore(
  stats: ReadonlyMap<string, PrintStat> | undefined,
  obs: ReadonlyMap<string, number>,
  unheard: number,
): number | undefined {
  if (!stats) return undefined;
  const offset = commonOffset(stats, obs, unheard);
  let sum = 0;
  let n = 0;
  for (const [node, x] of obs) {
    const s = stats.get(node);
    if (!s || s.n < MIN_SAMPLES) continue;
    const shift = heard(x, s, unheard) ? offset : 0;
    const z = Math.min(Z_CAP, Math.abs(x - shift - s.mean) / Math.max(MIN_SD, Math.sqrt(s.v)));
    sum += -0.5 * z * z;
    n++;
  }
  return n ? sum / n : undefined;
}

/** Learns one second of the device in `room`: every node's value (dBm) updates the room's statistics. */
export function learnPrint(prints: Prints, room: string, obs: ReadonlyMap<string, number>): void {
  let stats = prints.get(room);
  if (!stats) prints.set(room, (stats = new Map()));
  for (const [node, x] of obs) {
    const s = stats.get(node);
    if (!s) {
      stats.set(node, { n: 1, mean: x, v: FIRST_VARIANCE });
      continue;
    }
    s.n++;
    const w = 1 / Math.min(s.n, MEMORY);
    const d = x - s.mean;
    s.mean += w * d;
    s.v = (1 - w) * (s.v + w * d * d);
  }
}
