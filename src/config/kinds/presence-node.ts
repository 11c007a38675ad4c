import { z } from 'zod';
import { deviceBase } from './base.js';
import { duration } from '../duration.js';
import { slugId } from '../names.js';

/** ESP32 BLE scanner in one room, reporting the RSSI of the household's trackers. */
export const presenceNodeSpec = deviceBase
  .extend({
    kind: z.literal('presence-node'),
    /** Room id (lowercase); what `sensor.<person>_room` reports. */
    room: slugId,
    /** Tracker ids from hearth.yaml `trackers:`; all trackers when omitted. */
    tracks: z.array(slugId).min(1).optional(),
    /** How often each RSSI sensor reports, repeated values included. */
    // 2 s: the presence bench (bench/presence.ts) misses a 10 s room-switch target at 5 s or 10 s.
    report_interval: duration.default(2),
    /** dB added to this node's readings (a node in a cupboard reads low). */
    rssi_offset: z.number().min(-30).max(30).default(0),
  })
  .strict();

export type PresenceNodeSpec = z.output<typeof presenceNodeSpec>;
