import { z } from 'zod';
import { duration, timeOfDay } from './duration.js';
import { slugId } from './names.js';
import { homeassistantSettings, httpSettings, mqttSettings } from './hub-settings.js';
import { presenceOptions } from './presence-options.js';

const MAC = /^([0-9A-F]{2}:){5}[0-9A-F]{2}$/i;
const IRK = /^[0-9a-f]{32}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const timezone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'is not an IANA time zone (e.g. Europe/London)' },
);

export const person = z
  .object({
    id: slugId,
    name: z.string().min(1),
    /** HA notify service for this person's phone, e.g. `mobile_app_sams_iphone`. */
    notify: z
      .string()
      .regex(/^[a-z0-9_]+$/, 'must be the HA notify service name without "notify.", e.g. mobile_app_sams_phone')
      .optional(),
  })
  .strict();

/** A BLE device a person carries, identified the way its OS lets it be identified. */
export const tracker = z.discriminatedUnion('type', [
  z
    .object({
      id: slugId,
      person: slugId,
      /** Apple devices rotate their MAC; their Identity Resolving Key (32 hex digits) resolves it. */
      type: z.literal('irk'),
      irk: z.string().regex(IRK, 'must be 32 hex digits (the Identity Resolving Key)'),
      label: z.string().optional(),
    })
    .strict(),
  z
    .object({
      id: slugId,
      person: slugId,
      /** The HA companion app's BLE transmitter sends an iBeacon. */
      type: z.literal('ibeacon'),
      uuid: z.string().regex(UUID, 'must be a UUID like 8-4-4-4-12 hex digits'),
      major: z.number().int().min(0).max(65535).optional(),
      minor: z.number().int().min(0).max(65535).optional(),
      label: z.string().optional(),
    })
    .strict(),
  z
    .object({
      id: slugId,
      person: slugId,
      type: z.literal('mac'),
      mac: z.string().regex(MAC, 'must be a MAC address like AA:BB:CC:DD:EE:FF'),
      label: z.string().optional(),
    })
    .strict(),
]);

const dailyTimes = z.object({ daily: z.array(z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM (24 h)')).min(1) }).strict();

/** Five fields (minute hour day-of-month month day-of-week), as crontab takes them. */
const CRON_FIELD = /^[\d*/,?A-Za-z-]+$/;
const cronDue = z
  .object({
    cron: z.string().refine((expr) => {
      const fields = expr.trim().split(/\s+/);
      return fields.length === 5 && fields.every((f) => CRON_FIELD.test(f));
    }, 'must be a 5-field cron expression: minute hour day-of-month month day-of-week, e.g. "0 18 * * 0,3"'),
  })
  .strict();

/**
 * When every alternative fails on its shape (wrong or missing keys), say what the two shapes
 * are; when one has the right shape but a bad value (a malformed cron), that one is explained.
 */
const STRUCTURAL = new Set(['unrecognized_keys', 'invalid_type']);
const due = z.union([dailyTimes, cronDue], {
  error: (issue) => {
    if (issue.code !== 'invalid_union') return undefined;
    const someShapeFits = issue.errors.some((branch) => branch.every((i) => !STRUCTURAL.has(i.code)));
    return someShapeFits ? undefined : 'must be either `daily: [HH:MM, …]` or `cron: "<minute hour day month weekday>"`';
  },
});

export const quietHours = z.object({ from: timeOfDay, to: timeOfDay }).strict();

export const routine = z
  .object({
    id: slugId,
    title: z.string().min(1).max(100),
    due,
    /** How long after it falls due a routine can still be done before it counts as missed. */
    window: duration.default(2 * 3600),
    /** How often the reminder repeats (LED pulse refresh, notification) while pending. */
    nag_every: duration.default(15 * 60),
    /** Pending this long → also an actionable phone notification. */
    escalate_after: duration.optional(),
    snooze: duration.default(10 * 60),
    quiet_hours: quietHours.optional(),
    timezone: timezone.optional(),
    /** Person this routine is for (whose phone gets notifications). */
    person: slugId.optional(),
  })
  .strict();

/** Fleet-wide ESPHome defaults: one place for Wi-Fi, API, OTA and fallback AP. */
export const esphomeDefaults = z
  .object({
    wifi_ssid_secret: z.string().default('wifi_ssid'),
    wifi_password_secret: z.string().default('wifi_password'),
    /** Fallback hotspot + captive portal when Wi-Fi fails. */
    fallback_ap: z.boolean().default(true),
    fallback_ap_password_secret: z.string().default('fallback_ap_password'),
    /** Secret names; `{name}` becomes the device name with '-' → '_'. */
    api_key_secret: z.string().default('{name}_api_key'),
    ota_password_secret: z.string().default('{name}_ota_password'),
    /** mDNS/DNS suffix the devices are reached by (`use_address`), e.g. `.local`. */
    domain: z.string().regex(/^\.[a-z0-9.-]+$/, 'must be a DNS suffix starting with ".", e.g. .local').optional(),
    min_version: z.string().optional(),
  })
  .strict();

export const hearthConfig = z
  .object({
    timezone: timezone.default(Intl.DateTimeFormat().resolvedOptions().timeZone),
    people: z.array(person).min(1),
    trackers: z.array(tracker).default([]),
    routines: z.array(routine).default([]),
    quiet_hours: quietHours.optional(),
    esphome: esphomeDefaults.default(esphomeDefaults.parse({})),
    homeassistant: homeassistantSettings.default(homeassistantSettings.parse({})),
    mqtt: mqttSettings.default(mqttSettings.parse({})),
    http: httpSettings.default(httpSettings.parse({})),
    /** Room-presence tuning (smoothing, hysteresis, away timeout); the defaults meet bench/presence.ts's targets. */
    presence: presenceOptions.default(presenceOptions.parse({})),
    /** SQLite store and other state; defaults to $STATE_DIRECTORY (systemd) or ./state. */
    state_dir: z.string().optional(),
  })
  // Unknown keys are errors: a typo must not silently fall back to a default.
  .strict();

export type HearthConfig = z.output<typeof hearthConfig>;
export type Person = z.output<typeof person>;
export type Tracker = z.output<typeof tracker>;
export type Routine = z.output<typeof routine>;
export type EsphomeDefaults = z.output<typeof esphomeDefaults>;
