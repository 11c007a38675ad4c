/** The presence engine's tuning (hearth.yaml's `presence` section); defaults from bench/presence.ts. */
import { z } from 'zod';
import { duration } from './duration.js';

export const presenceOptions = z
  .object({
    /** Standard deviation of one RSSI report, dB (the per-node filter's measurement noise). */
    rssi_noise: z.number().positive().max(20).default(4),
    /** How fast a device's true RSSI may drift, dB² per second (the filter's process noise). */
    motion_noise: z.number().positive().max(1000).default(4),
    /**
     * A node that is up and has not reported a device for this long does not hear it (ESPHome's
     * `throttle_average` sends nothing for an interval without packets).
     */
    stale_after: duration.default(10),
    /** dBm a node that does not hear a device counts as (below any BLE radio's floor). */
    unheard_rssi: z.number().min(-130).max(-80).default(-100),
    /** dB a challenger room must lead the incumbent by before its lead counts as evidence… */
    switch_margin: z.number().min(0).max(30).default(3),
    /**
     * …and the evidence (lead beyond the margin, dB·s, less the time it trailed) that switches
     * rooms: a clear lead switches quickly, a marginal one slowly, noise around equal never.
     */
    switch_evidence: z.number().min(0).max(1000).default(30),
    /** Like switch_margin, for the one device a person is followed by alone (no other device in its room). */
    solo_margin: z.number().min(0).max(30).default(3),
    /** Like switch_evidence, for that device. */
    solo_evidence: z.number().min(0).max(1000).default(30),
    /** Like switch_margin, for the mean lead of a person's devices that share a room (group.ts). */
    group_margin: z.number().min(0).max(30).default(2),
    /** Like switch_evidence, for those devices together; 0 = off (each device decides alone). Not used by estimator `hmm`. */
    group_evidence: z.number().min(0).max(1000).default(20),
    /** dB per second a lead counts for at most, either way (a burst cannot switch at once). */
    evidence_cap: z.number().positive().max(100).default(15),
    /** Evidence (dB·s of lead over the next room) that fixes the first room, at start or coming home. */
    fix_evidence: z.number().min(0).max(1000).default(10),
    /** With no room reaching fix_evidence, the strongest is taken this long after the first reading. */
    fix_wait: duration.default(10),
    /**
     * The floor plan's doors, as pairs of rooms (`away` for a door to the outside): a move to a
     * room that is not next to the current one needs `far_factor` times the evidence; coming
     * home, the first room is an entrance (a room with a door to `away`). `[[hall, away]]` alone
     * names the entrance and leaves every room next to every other. Empty: no entrance, every
     * room next to every other.
     */
    doors: z.array(z.tuple([z.string().min(1), z.string().min(1)])).default([]),
    /** See doors. */
    far_factor: z.number().min(1).max(20).default(1),
    /** No node that is up has heard a device for this long → away. */
    away_after: duration.default(30),
    /** A device going back to the room it left less than this long ago is a flap, not a move. */
    flap_window: duration.default(20),
    /**
     * When a person's devices disagree, the one that moved last must have stayed in its room this
     * long before the person follows it (when they agree, the person follows at once).
     */
    fusion_hold: duration.default(0),
    /**
     * How a device's room is decided: `evidence` (an evidence account per challenger room,
     * device.ts) or `hmm` (a forward filter over the rooms with fingerprints learned from the
     * household's own readings, hmm.ts).
     */
    estimator: z.enum(['evidence', 'hmm']).default('hmm'),
    /** hmm: probability per second that a device leaves its room (the sticky prior). */
    hmm_switch_rate: z.number().positive().max(0.5).default(0.01),
    /** hmm: log-likelihood per second per dB a room's best node trails the best node anywhere. */
    hmm_sharpness: z.number().min(0).max(10).default(0.12),
    /** hmm: weight per second of the learned fingerprints' log-likelihood (0 = none learned or used). */
    hmm_fingerprint: z.number().min(0).max(20).default(3),
    /** hmm: weight of a companion device's emission (a person's devices in the same room); 0 = each alone. */
    hmm_pool: z.number().min(0).max(1).default(0.5),
    /** hmm: a companion whose readings point elsewhere for this long stops being pooled (a phone left on a desk). */
    hmm_pool_hold: duration.default(10),
    /**
     * hmm: dBm below which a device's best node suggests it is outside the house rather than in
     * the room heard through a wall (no move into a room less likely than outside); null = off.
     */
    hmm_outside_rssi: z.number().min(-120).max(-40).nullable().default(-85),
    /**
     * hmm: correlation time of the readings' errors, seconds (shadowing, the body): a second's
     * emission counts as new evidence only as far as it is not the same offset seen again, and
     * its change counts at once (hmm.ts `evidenceWeights`). 0 = every second independent.
     */
    hmm_correlation: z.number().min(0).max(600).default(1),
    /** hmm: log-odds of a room over the current one that moves the device. */
    hmm_threshold: z.number().positive().max(50).default(2.5),
  })
  .strict();

export type PresenceOptions = z.output<typeof presenceOptions>;
export const DEFAULT_PRESENCE_OPTIONS: PresenceOptions = presenceOptions.parse({});
