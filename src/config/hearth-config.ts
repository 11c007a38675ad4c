import { z } from 'zod';
import { duration, timeOfDay } from './duration.js';
import { slugId } from './names.js';
import { homeassistantSettings, httpSettings, mqttSettings } from './hub-settings.js';
import { presenceOptions } from './presence-options.js';
import { lifecoachSections } from './lifecoach.js';
import { dashboardSections } from './dashboard.js';
import { cronError } from './cron.js';
import { SECRET_NAME, SecretReference } from './secret-ref.js';
import { normaliseKey, type KeyValue, type TrackerKeyField } from './tracker-keys.js';
import { whenParsed } from './refine-when.js';

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

/**
 * A tracker's key field (`irk`, `uuid`, `mac`): the value (normalised to ESPHome's form), or
 * `!secret name` (an entry of ESPHome's secrets.yaml). tracker-keys.ts says why these are secrets.
 */
const keyValue = (field: TrackerKeyField) =>
  z.union([z.string(), z.instanceof(SecretReference)]).transform((value, ctx): KeyValue => {
    if (value instanceof SecretReference) {
      if (!SECRET_NAME.test(value.name))
        ctx.addIssue({ code: 'custom', message: `"${value.name}" is not a secret name (letters, digits, "_", ".", "-")` });
      return value;
    }
    const parsed = normaliseKey(field, value);
    if ('problem' in parsed) {
      ctx.addIssue({ code: 'custom', message: parsed.problem });
      return z.NEVER;
    }
    return parsed.value;
  });

/** A file holding the key (read by `hearth esphome secrets`; the hub never reads it). */
const keyFile = z.string().min(1);

/** Exactly one of `<field>` and `<field>_file`. */
function oneKeySource(field: TrackerKeyField) {
  return (tracker: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    const given = [field, `${field}_file`].filter((k) => tracker[k] !== undefined);
    if (given.length === 1) return;
    ctx.addIssue({
      code: 'custom',
      path: [field],
      message:
        given.length === 0
          ? `is required: the value, \`${field}: !secret <name>\` (ESPHome's secrets.yaml) or \`${field}_file: <path>\``
          : `give ${field} or ${field}_file, not both`,
    });
  };
}

/**
 * What HA and the dashboard call the tracker ("Sam's iPhone"; default: its id humanised). It
 * names the presence nodes' RSSI sensors, so ESPHome's entity-name rules apply: no "/", and the
 * name with " RSSI" within 120 bytes (esphome/config_validation.py NAME_MAX_LENGTH).
 */
const trackerLabel = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .refine((l) => !l.includes('/'), 'must not contain "/" (ESPHome entity names cannot)');

/** A BLE device a person carries, identified the way its OS lets it be identified. */
export const tracker = z.discriminatedUnion('type', [
  z
    .object({
      id: slugId,
      person: slugId,
      /**
       * Apple devices rotate their MAC; their Identity Resolving Key resolves it. 32 hex digits as
       * HA shows them, or the keychain's base64 (converted as HA's Private BLE Device does).
       */
      type: z.literal('irk'),
      irk: keyValue('irk').optional(),
      irk_file: keyFile.optional(),
      label: trackerLabel.optional(),
    })
    .strict()
    .superRefine(oneKeySource('irk'), whenParsed('irk', 'irk_file')),
  z
    .object({
      id: slugId,
      person: slugId,
      /** The HA companion app's BLE transmitter sends an iBeacon. */
      type: z.literal('ibeacon'),
      uuid: keyValue('uuid').optional(),
      uuid_file: keyFile.optional(),
      major: z.number().int().min(0).max(65535).optional(),
      minor: z.number().int().min(0).max(65535).optional(),
      label: trackerLabel.optional(),
    })
    .strict()
    .superRefine(oneKeySource('uuid'), whenParsed('uuid', 'uuid_file')),
  z
    .object({
      id: slugId,
      person: slugId,
      type: z.literal('mac'),
      mac: keyValue('mac').optional(),
      mac_file: keyFile.optional(),
      label: trackerLabel.optional(),
    })
    .strict()
    .superRefine(oneKeySource('mac'), whenParsed('mac', 'mac_file')),
]);

const dailyTimes = z
  .object({ daily: z.array(z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM (24 h)')).min(1) })
  .strict();

/**
 * Five fields (minute hour day-of-month month day-of-week), as crontab takes them; each value
 * is then checked by croner, the evaluator the hub plans routines with (config/cron.ts),
 * so a schedule that passes here cannot throw when the hub plans it.
 */
const CRON_FIELD = /^[\d*/,?A-Za-z-]+$/;
const cronDue = z
  .object({
    cron: z.string().superRefine((expr, ctx) => {
      const fields = expr.trim().split(/\s+/);
      if (fields.length !== 5 || !fields.every((f) => CRON_FIELD.test(f))) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be a 5-field cron expression: minute hour day-of-month month day-of-week, e.g. "0 18 * * 0,3"',
        });
        return;
      }
      const problem = cronError(expr);
      if (problem) ctx.addIssue({ code: 'custom', message: cronProblem(expr, problem) });
    }),
  })
  .strict();

/**
 * croner's reason in a person's terms. Its text names the field but, for day and month, shows
 * the value minus croner's internal offset (`0 8 32 * *` → "day: 31"), so the field is quoted
 * as written: `invalid value for hour: 24 (hours are 0–23; midnight is 0)`.
 */
function cronProblem(expression: string, message: string): string {
  const fields = expression.trim().split(/\s+/);
  const named = /invalid value for (minute|hour|day|month|dayOfWeek)\b/i.exec(message)?.[1];
  const field = CRON_FIELDS.find((f) => f.croner === named);
  if (!field) return message.replace(/^CronPattern:\s*/, '').replace(/^./, (c) => c.toLowerCase());
  return `invalid value for ${field.name}: ${fields[field.index]} (${field.range})`;
}

const CRON_FIELDS = [
  { croner: 'minute', name: 'minute', index: 0, range: 'minutes are 0–59' },
  { croner: 'hour', name: 'hour', index: 1, range: 'hours are 0–23; midnight is 0' },
  { croner: 'day', name: 'day of month', index: 2, range: 'days of the month are 1–31' },
  { croner: 'month', name: 'month', index: 3, range: 'months are 1–12 or JAN–DEC' },
  { croner: 'dayOfWeek', name: 'day of week', index: 4, range: 'weekdays are 0–7 or SUN–SAT, Sunday being 0 or 7' },
] as const;

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
    /** Done early: a done/skip this long before the next occurrence counts for it (0: off; default 1 h). */
    early: duration.optional(),
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
    domain: z
      .string()
      .regex(/^\.[a-z0-9.-]+$/, 'must be a DNS suffix starting with ".", e.g. .local')
      .optional(),
    /** ESPHome's own version rule (esphome/core/__init__.py `Version.parse`): `2026.1.0`, `2026.1`, `2026.1.0-dev`. */
    min_version: z
      .string()
      .regex(/^\d+\.\d+(?:\.\d+)?[-.]?\w*$/, 'must be an ESPHome version such as 2026.1.0 (ESPHome refuses anything else)')
      .optional(),
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
    /** The life coach: cameras, check-in schedule, the Ollama host and model (config/lifecoach.ts). */
    ...lifecoachSections,
    /** Rooms' extra entities and how hearth keeps its HA dashboard (config/dashboard.ts). */
    ...dashboardSections,
  })
  // Unknown keys are errors: a typo must not silently fall back to a default.
  .strict();

export type HearthConfig = z.output<typeof hearthConfig>;
export type Person = z.output<typeof person>;
export type Tracker = z.output<typeof tracker>;
export type Routine = z.output<typeof routine>;
export type EsphomeDefaults = z.output<typeof esphomeDefaults>;
