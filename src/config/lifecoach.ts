/**
 * The life coach's sections of hearth.yaml: `cameras:`, `checkins:`, `ollama:` and
 * `lifecoach:`. Zod schemas only (parsed values in seconds, pixels, fractions); the sections
 * are mounted on `hearthConfig` by src/config/hearth-config.ts, and `checkLifecoachRefs` adds
 * the checks that need other sections (people, routines).
 */
import { z } from 'zod';
import { cronError } from './cron.js';
import { duration, timeOfDay } from './duration.js';
import { configError, type ConfigIssue } from './issues.js';
import { didYouMean, slugId } from './names.js';
import { whenParsed } from './refine-when.js';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * A privacy mask: a rectangle blacked out in the still before anything else (quality check,
 * file, HTTP, model) sees it. Fractions of the frame (0–1), so it holds at any resolution.
 */
export const privacyMask = z
  .object({
    x: z.number().min(0).max(1),
    y: z.number().min(0).max(1),
    width: z.number().gt(0).max(1),
    height: z.number().gt(0).max(1),
  })
  .strict()
  .refine((m) => m.x + m.width <= 1 + 1e-9 && m.y + m.height <= 1 + 1e-9, {
    message: 'must lie inside the frame (x + width ≤ 1, y + height ≤ 1)',
    ...whenParsed('x', 'y', 'width', 'height'),
  });

/**
 * One webcam. Exactly one source: `device` (V4L2; prefer the stable `/dev/v4l/by-id/…` path),
 * `url` (an HTTP(S) snapshot URL: one JPEG per request) or `input` (any ffmpeg input, with
 * `format` for its demuxer, e.g. `lavfi` for the test sources).
 */
export const camera = z
  .object({
    /** In `/stills/<name>.jpg`, entity ids and topics: the slug rule keeps paths and topics safe. */
    name: slugId,
    device: z
      .string()
      .regex(/^\/dev\//, 'must be a device path under /dev (prefer /dev/v4l/by-id/…)')
      .optional(),
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// snapshot URL' }).optional(),
    input: z.string().min(1).optional(),
    /** ffmpeg demuxer (`-f`): v4l2 (default for device), jpeg_pipe (default for url), lavfi, mjpeg, … */
    format: z
      .string()
      .regex(/^[a-z0-9_]+$/, 'must be an ffmpeg format name like v4l2 or lavfi')
      .optional(),
    /** V4L2 pixel format the camera is asked for (e.g. mjpeg: most webcams give full size only as MJPEG). */
    input_format: z
      .string()
      .regex(/^[a-z0-9_]+$/)
      .optional(),
    /** Capture size asked of the device, `WIDTHxHEIGHT`. */
    video_size: z
      .string()
      .regex(/^\d+x\d+$/, 'must be WIDTHxHEIGHT, e.g. 1280x720')
      .optional(),
    /** Frames dropped first so auto exposure and white balance settle (a cold webcam's first frames are dark). */
    settle_frames: z.number().int().min(0).max(300).default(15),
    /** Longest edge of the still, pixels (never upscaled). */
    max_edge: z.number().int().min(64).max(4096).default(1024),
    /** JPEG quality, ffmpeg's mjpeg `-q:v` (2 best … 31 worst). */
    jpeg_quality: z.number().int().min(2).max(31).default(5),
    /** ffmpeg is killed (with its process group) after this long. */
    timeout: duration.default(10).refine((s) => s > 0, 'must be longer than 0s'),
    /** Mean luma (0–255) below which the still counts as too dark. */
    dark_below: z.number().min(0).max(255).default(16),
    masks: z.array(privacyMask).default([]),
  })
  .strict()
  .superRefine(
    (c, ctx) => {
      const sources = (['device', 'url', 'input'] as const).filter((k) => c[k] !== undefined);
      if (sources.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          message:
            sources.length === 0
              ? 'needs one source: device (V4L2), url (HTTP snapshot) or input (any ffmpeg input)'
              : `has ${sources.join(' and ')}: give exactly one source`,
        });
      }
    },
    whenParsed('device', 'url', 'input'),
  );

const schedule = {
  /** Local times (household timezone), `HH:MM`. */
  daily: z.array(z.string().regex(HHMM, 'must be a time of day as HH:MM (24 h)')).min(1).optional(),
  /** Five-field cron (minute hour day-of-month month day-of-week), as croner takes it. */
  cron: z
    .string()
    .refine((e) => e.trim().split(/\s+/).length === 5, 'must be a 5-field cron expression, e.g. "30 8 * * *"')
    .superRefine((e, ctx) => {
      const problem = e.trim().split(/\s+/).length === 5 ? cronError(e) : undefined;
      if (problem) ctx.addIssue({ code: 'custom', message: `is not a usable cron expression: ${problem}` });
    })
    .optional(),
};

/** What happens to a check-in while the person is away or in quiet hours. */
const holdRule = z.enum(['skip', 'short', 'normal']);

export const checkinSettings = z
  .object({
    ...schedule,
    /** Whose check-in (a person id); default: the only person. */
    person: slugId.optional(),
    /** A random delay up to this long, so check-ins do not feel like a clock. */
    jitter: duration.default(5 * 60),
    /** The load-only warm-up runs this long before each scheduled check-in. */
    warm_up: duration.default(2 * 60),
    when_away: holdRule.default('skip'),
    in_quiet_hours: holdRule.default('skip'),
    /** Overrides the household's quiet_hours for check-ins. */
    quiet_hours: z.object({ from: timeOfDay, to: timeOfDay }).strict().optional(),
    /** How many earlier check-ins the model sees, so it does not repeat itself. */
    recent: z.number().int().min(0).max(10).default(3),
    /** Send the routine-data check-in at once; the model's version replaces it (same tag) when it arrives. */
    data_first: z.boolean().default(true),
  })
  .strict()
  .refine((c) => !(c.daily && c.cron), { message: 'give daily or cron, not both', path: ['cron'], ...whenParsed('daily', 'cron') });

/** `http://host:port`: the port is explicit (Ollama on the mesh is never on a default port). */
const ollamaHost = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .refine(
    (u) => /^https?:\/\/(\[[^\]]+\]|[^/:]+):\d+\/?$/.test(u),
    'must name the port and nothing else, e.g. http://total-eclipse.nebula:11434',
  );

export const ollamaSettings = z
  .object({
    host: ollamaHost.default('http://127.0.0.1:11434'),
    /** A small instruct vision model that fits an 8 GB GPU; `gemma3:4b` is the alternative. */
    model: z.string().min(1).default('qwen3-vl:4b-instruct'),
    /** Context length, the same on warm-up and check-in (a different one reloads the model). */
    num_ctx: z.number().int().min(512).max(262144).default(8192),
    /** Output cap in tokens; an answer cut off by it is invalid. */
    num_predict: z.number().int().min(16).max(8192).default(768),
    /** How long Ollama keeps the model loaded after a request. */
    keep_alive: duration.default(10 * 60),
    /** The whole model call, cold load included. */
    deadline: duration.default(180),
    /** Until the first token (a cold load happens before any response header). */
    first_token_timeout: duration.default(120),
    /** Longest pause between two streamed chunks. */
    stall_timeout: duration.default(20),
    /** `/api/show`, `/api/tags`, `/api/version`. */
    request_timeout: duration.default(10),
  })
  .strict()
  .refine((o) => o.first_token_timeout <= o.deadline, {
    message: 'must not be longer than deadline',
    path: ['first_token_timeout'],
    ...whenParsed('first_token_timeout', 'deadline'),
  });

/** Conditions under which stills may be captured at all (a shared home). */
export const captureWhen = z
  .object({
    /** Only while this person is home (default: the check-in's person). */
    person_home: z.boolean().default(true),
    /** Only while the person is in one of these rooms (HA areas, as `sensor.<person>_room` reports them). */
    rooms: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

/** Where the coach runs: in the hub's process, as its own process, or on another host. */
export const placement = z.enum(['same-unit', 'own-unit', 'remote']);

export const lifecoachSettings = z
  .object({
    enabled: z.boolean().default(true),
    placement: placement.default('same-unit'),
    /** For own-unit/remote: the hub hearth the stills come from over HTTP. */
    hub: z
      .object({
        url: z.url({ protocol: /^https?$/ }),
        /** Bearer token of the hub's HTTP API; falls back to $CREDENTIALS_DIRECTORY/hub-token. */
        token_file: z.string().optional(),
      })
      .strict()
      .optional(),
    /** Stills are not written to disk unless set; then kept this long. */
    keep_stills: z.boolean().default(false),
    retention: duration.default(7 * 86400),
    capture_when: captureWhen.default(captureWhen.parse({})),
    /** HA to-do lists the check-in reads (`todo.*` entity ids); default: every `todo.*` entity. */
    todo_lists: z.array(z.string().regex(/^todo\.[a-z0-9_]+$/, 'must be a to-do entity id like todo.shopping')).optional(),
    /** The cameras switch's state on the very first start (afterwards the stored state wins). */
    cameras_default_on: z.boolean().default(true),
  })
  .strict()
  .refine((l) => l.placement !== 'remote' || l.hub !== undefined, {
    message: 'placement remote needs hub.url (where the stills come from)',
    path: ['hub'],
    ...whenParsed('placement', 'hub'),
  });

/** The four sections, as hearthConfig mounts them. */
export const lifecoachSections = {
  cameras: z.array(camera).max(8).default([]),
  checkins: checkinSettings.optional(),
  ollama: ollamaSettings.default(ollamaSettings.parse({})),
  lifecoach: lifecoachSettings.default(lifecoachSettings.parse({})),
};

export type CameraConfig = z.output<typeof camera>;
export type PrivacyMask = z.output<typeof privacyMask>;
export type CheckinSettings = z.output<typeof checkinSettings>;
export type OllamaSettings = z.output<typeof ollamaSettings>;
export type LifecoachSettings = z.output<typeof lifecoachSettings>;
export type CaptureWhen = z.output<typeof captureWhen>;

/** What the cross-checks read of a parsed hearth.yaml. */
export interface LifecoachRefs {
  people: ReadonlyArray<{ id?: string | undefined }>;
  cameras?: ReadonlyArray<{ name?: string | undefined }> | undefined;
  checkins?: { person?: string | undefined } | undefined;
}

/**
 * Camera names are unique; `checkins.person` names a person (or there is only one). Pure:
 * issues as `file: path: message`, all at once.
 */
export function checkLifecoachRefs(file: string, config: LifecoachRefs): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Map<string, number>();
  (config.cameras ?? []).forEach((c, i) => {
    if (c.name === undefined) return;
    const first = seen.get(c.name);
    if (first !== undefined) issues.push(configError(file, `cameras[${i}].name`, `camera "${c.name}" is also cameras[${first}]`));
    else seen.set(c.name, i);
  });
  const people = config.people.flatMap((p) => (p.id === undefined ? [] : [p.id]));
  const person = config.checkins?.person;
  if (config.checkins && person === undefined && people.length > 1) {
    issues.push(configError(file, 'checkins.person', `needed with more than one person (one of ${people.join(', ')})`));
  }
  if (person !== undefined && !people.includes(person)) {
    const guess = didYouMean(person, people);
    issues.push(
      configError(
        file,
        'checkins.person',
        `unknown person "${person}"${guess ? `; did you mean "${guess}"?` : `; known: ${people.join(', ')}`}`,
      ),
    );
  }
  return issues;
}

/** The references of a hearth.yaml that failed its schema, read leniently (unreadable parts left out). */
export function lifecoachRefsFromRaw(value: unknown): LifecoachRefs {
  const doc = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const list = (v: unknown): Array<Record<string, unknown>> =>
    Array.isArray(v) ? v.map((x) => (x && typeof x === 'object' ? (x as Record<string, unknown>) : {})) : [];
  const checkins = doc.checkins && typeof doc.checkins === 'object' ? (doc.checkins as Record<string, unknown>) : undefined;
  return {
    people: list(doc.people).map((p) => ({ id: str(p.id) })),
    cameras: list(doc.cameras).map((c) => ({ name: str(c.name) })),
    checkins: checkins ? { person: str(checkins.person) } : undefined,
  };
}
