/**
 * What one HA state of a node's RSSI sensor says, for the engine. Pure.
 *
 * - a number in the range a BLE receiver measures across a room, −120…−10 dBm: a reading;
 * - `unknown` (ESPHome published NaN: the node scanned and did not hear the device): unheard;
 * - `unavailable` (the node is offline, or HA has not loaded its integration yet): unavailable;
 * - anything else — 0 and above (0, +31 an error code, +127 the Bluetooth "RSSI not available"
 *   value of the HCI spec), below −120, an empty state or text: impossible, dropped (and counted,
 *   so that a node that keeps sending them is reported).
 */
export type HaRssi =
  { kind: 'reading'; rssi: number } | { kind: 'unheard' } | { kind: 'unavailable' } | { kind: 'impossible'; state: string };

/** Weakest and strongest RSSI a node can report for a device in the house, dBm. */
export const RSSI_RANGE = { min: -120, max: -10 } as const;

export function plausibleRssi(value: number): boolean {
  return Number.isFinite(value) && value >= RSSI_RANGE.min && value <= RSSI_RANGE.max;
}

export function fromHaState(state: string): HaRssi {
  if (state === 'unavailable') return { kind: 'unavailable' };
  if (state === 'unknown') return { kind: 'unheard' };
  const trimmed = state.trim();
  const value = trimmed === '' ? NaN : Number(trimmed);
  return plausibleRssi(value) ? { kind: 'reading', rssi: value } : { kind: 'impossible', state };
}

/**
 * The engine's Reading for one HA state of a node's RSSI sensor for a tracker (`t` in ms).
 * An impossible state is handed on as a non-finite or implausible number: the engine drops it
 * and counts it against the node (PresenceEngine.faults()).
 */
export function readingFromState(
  node: string,
  tracker: string,
  state: string,
  t: number,
): { node: string; tracker: string; t: number; rssi: number | null; missing?: 'unheard' | 'unavailable' } {
  const r = fromHaState(state);
  switch (r.kind) {
    case 'reading':
      return { node, tracker, t, rssi: r.rssi };
    case 'unheard':
      return { node, tracker, t, rssi: null, missing: 'unheard' };
    case 'unavailable':
      return { node, tracker, t, rssi: null, missing: 'unavailable' };
    case 'impossible':
      return { node, tracker, t, rssi: r.state.trim() === '' ? NaN : Number(r.state) };
  }
}
