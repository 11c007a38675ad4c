/**
 * One node's view of one tracked device: a scalar Kalman filter on the offset-corrected RSSI.
 *
 * The state is the true RSSI (dB), modelled as a random walk: its variance grows by
 * `motion` dB²/s between readings (the device moving about), and each reading adds Gaussian
 * noise of `noise` dB. A gap in the readings (dropped reports) just lets the variance grow, so
 * the next reading weighs more; steady readings of a still device average out the noise.
 * Pure functions on a small record.
 */
export interface NodeFilter {
  /** Estimated RSSI, dB. */
  x: number;
  /** Variance of the estimate at `last`, dB². */
  p: number;
  /** Time of the last reading, ms. */
  last: number;
  /** Readings since the filter (re)started. */
  count: number;
}

export interface FilterParams {
  /** Standard deviation of one reading, dB. */
  noise: number;
  /** Growth of the state's variance, dB² per second. */
  motion: number;
}

export function startFilter(rssi: number, t: number, params: FilterParams): NodeFilter {
  return { x: rssi, p: params.noise * params.noise, last: t, count: 1 };
}

/** Variance of the estimate at `t` (≥ last): the variance at the last reading plus the motion since. */
export function varianceAt(f: NodeFilter, t: number, params: FilterParams): number {
  return f.p + (params.motion * Math.max(0, t - f.last)) / 1000;
}

/** Folds one reading in (a reading older than the last one only refines the estimate). */
export function observe(f: NodeFilter, rssi: number, t: number, params: FilterParams): void {
  const prior = varianceAt(f, t, params);
  const r = params.noise * params.noise;
  const gain = prior / (prior + r);
  f.x += gain * (rssi - f.x);
  f.p = (1 - gain) * prior;
  f.last = Math.max(f.last, t);
  f.count++;
}
