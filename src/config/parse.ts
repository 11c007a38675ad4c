/**
 * Plain YAML values → a checked Household. Pure: the loader (load.ts) reads the files and
 * hands their values here, so every rule is testable without touching a disk.
 */
import { hearthConfig, type HearthConfig } from './hearth-config.js';
import { checkDeviceHardware } from './pin-checks.js';
import { checkSchedules } from './schedule-checks.js';
import { checkRoomSpellings } from './derived-names.js';
import { slashWarnings } from './esphome-strings.js';
import { checkEntityIdCollisions } from './entity-collisions.js';
import { secretNameCollisions } from './secret-names.js';
import { checkLifecoachRefs, lifecoachRefsFromRaw } from './lifecoach.js';
import { configRefsFromRaw, crossCheck, deviceRefs, deviceRefsFromRaw, type DeviceRefs } from './cross-checks.js';
import { DEVICE_KINDS, type DeviceKind, type PartialDeviceSpec } from './kinds/index.js';
import { deviceBase } from './kinds/base.js';
import { salvage } from './salvage.js';
import type { Household, LoadedDevice } from './household.js';
import { configError, configWarning, errorsOf, formatPath, sortIssues, type ConfigIssue } from './issues.js';
import { SecretReference } from './secret-ref.js';
import { didYouMean } from './names.js';
import { issuesFromZod } from './zod-issues.js';
import type { SourcePosition } from './yaml-file.js';

/** One YAML file as read: its value and any issues reading it produced. */
export interface SourceDoc {
  file: string;
  value: unknown;
  /** Issues found while reading (syntax, duplicate keys, tags); the file is not validated further if any. */
  issues?: ConfigIssue[];
  /** Source position of a path, to put line:col on issues. */
  locate?: (path: ReadonlyArray<PropertyKey>) => SourcePosition | undefined;
}

export interface HouseholdResult {
  /** Present when there are no errors. */
  household?: Household;
  /** Every error and warning, from every file, in a stable order. */
  issues: ConfigIssue[];
}

export const KNOWN_KINDS = Object.keys(DEVICE_KINDS) as DeviceKind[];

const isKind = (kind: unknown): kind is DeviceKind => typeof kind === 'string' && Object.hasOwn(DEVICE_KINDS, kind);
const isMapping = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export function parseHearthConfig(doc: SourceDoc): { config?: HearthConfig; issues: ConfigIssue[] } {
  if (doc.issues?.length) return { issues: doc.issues };
  const { file, value } = doc;
  if (value === null || value === undefined) return { issues: [configError(file, '', 'file is empty; it needs at least `people:`')] };
  if (!isMapping(value)) return { issues: [configError(file, '', 'must be a mapping (key: value) at the top level')] };
  const misplaced = misplacedSecrets(file, value);
  const parsed = hearthConfig.safeParse(value);
  const warnings = checkSchedules(file, value);
  if (!parsed.success || misplaced.length > 0) {
    // A misplaced `!secret` also fails the schema there; say it once, in the words above.
    const at = new Set(misplaced.map((i) => i.path));
    const schemaIssues = parsed.success ? [] : issuesFromZod(parsed.error, file, value, hearthConfig).filter((i) => !at.has(i.path));
    return { issues: [...misplaced, ...schemaIssues, ...warnings] };
  }
  return { config: parsed.data, issues: warnings };
}

/** Where hearth.yaml may say `!secret`: the keys of trackers, which the ESPHome configs carry. */
const SECRET_ALLOWED = /^trackers\[\d+\]\.(irk|mac|uuid)$/;

/** `!secret` anywhere else: hub secrets come from files or the environment, never from ESPHome's secrets.yaml. */
function misplacedSecrets(file: string, value: unknown, path: (string | number)[] = []): ConfigIssue[] {
  if (value instanceof SecretReference) {
    const at = formatPath(path);
    return SECRET_ALLOWED.test(at)
      ? []
      : [
          configError(
            file,
            at,
            "`!secret` is only for tracker keys (trackers[].irk, .mac, .uuid), which go to ESPHome; hearth's own secrets come from files or the environment (e.g. token_file, password_file)",
          ),
        ];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => misplacedSecrets(file, v, [...path, i]));
  if (isMapping(value)) return Object.entries(value).flatMap(([k, v]) => misplacedSecrets(file, v, [...path, k]));
  return [];
}

/**
 * One device spec → its parsed spec and every issue of the file. A spec that fails a stage
 * still goes through the others as far as it can, so the user sees all of a file's errors in
 * one run (`file: path.to.field: message` each): without a known `kind`, its common fields
 * (name, board, …) are still checked; with a missing or bad field, the rest of the spec
 * (salvage.ts) still has its pins checked against the board and its strings against ESPHome's
 * rules. Issues on a field the schema already flagged are not repeated.
 */
export function parseDeviceSpec(doc: SourceDoc): { device?: LoadedDevice; issues: ConfigIssue[] } {
  if (doc.issues?.length) return { issues: doc.issues };
  const { file, value } = doc;
  const kinds = KNOWN_KINDS.join(', ');
  if (value === null || value === undefined) {
    return { issues: [configError(file, '', `file is empty; a device spec needs kind:, name: and board: (known kinds: ${kinds})`)] };
  }
  if (!isMapping(value)) return { issues: [configError(file, '', 'must be a mapping (key: value) describing one device')] };
  const kind = value.kind;
  if (!isKind(kind)) {
    let kindIssue: ConfigIssue;
    if (kind === undefined) kindIssue = configError(file, 'kind', `is required; known kinds: ${kinds}`);
    else {
      const guess = typeof kind === 'string' ? didYouMean(kind, KNOWN_KINDS) : undefined;
      const hint = guess ? `; did you mean "${guess}"? (known kinds: ${kinds})` : `; known kinds: ${kinds}`;
      kindIssue = configError(file, 'kind', `unknown kind ${JSON.stringify(kind)}${hint}`);
    }
    // The fields every kind has can be checked without knowing the kind (unknown keys cannot).
    const common = deviceBase.safeParse(value);
    return { issues: [kindIssue, ...(common.success ? [] : issuesFromZod(common.error, file, value, deviceBase))] };
  }
  const schema = DEVICE_KINDS[kind];
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const schemaIssues = issuesFromZod(parsed.error, file, value, schema);
    const flagged = new Set(schemaIssues.map((i) => i.path));
    const partial = { ...salvage(schema, value), kind } as PartialDeviceSpec;
    return { issues: [...schemaIssues, ...specChecks(file, partial).filter((i) => !flagged.has(i.path))] };
  }
  const device: LoadedDevice = { file, spec: parsed.data };
  return { device, issues: specChecks(file, device.spec) };
}

/** The checks after the schema, on a parsed spec or one as far as it parsed. */
function specChecks(file: string, spec: PartialDeviceSpec): ConfigIssue[] {
  const issues = [...checkDeviceHardware({ file, spec }), ...slashWarnings(file, { friendly_name: spec.friendly_name, area: spec.area })];
  const stem = file.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/, '');
  if (spec.name !== undefined && stem !== spec.name) {
    issues.push(
      configWarning(
        file,
        'name',
        `"${spec.name}" differs from the file name "${stem}"; keep them the same so specs and generated files are easy to match`,
      ),
    );
  }
  return issues;
}

/** hearth.yaml + device specs → Household, with every issue from every file. */
export function parseHousehold(configDoc: SourceDoc, deviceDocs: readonly SourceDoc[]): HouseholdResult {
  const issues: ConfigIssue[] = [];
  const { config, issues: configIssues } = parseHearthConfig(configDoc);
  issues.push(...configIssues);

  const devices: LoadedDevice[] = [];
  const refs: DeviceRefs[] = [];
  for (const doc of deviceDocs) {
    const { device, issues: deviceIssues } = parseDeviceSpec(doc);
    issues.push(...deviceIssues);
    if (device) devices.push(device);
    // A spec that failed its schema still takes part in the name and reference checks.
    const ref = device ? deviceRefs(device) : readable(doc) ? deviceRefsFromRaw(doc.file, doc.value) : undefined;
    if (ref && Object.hasOwn(DEVICE_KINDS, ref.kind)) refs.push(ref);
  }
  const configRefs = config ?? (readable(configDoc) ? configRefsFromRaw(configDoc.value) : undefined);
  if (configRefs) {
    // Where the schema already flagged a field, a reference error on it would only repeat it.
    const flagged = new Set(errorsOf(issues).map((i) => `${i.file}\0${i.path}`));
    issues.push(...crossCheck(configDoc.file, configRefs, refs).filter((i) => !flagged.has(`${i.file}\0${i.path}`)));
  }
  if (readable(configDoc)) {
    const flagged = new Set(errorsOf(issues).map((i) => `${i.file}\0${i.path}`));
    const coachRefs = config ?? lifecoachRefsFromRaw(configDoc.value);
    issues.push(...checkLifecoachRefs(configDoc.file, coachRefs).filter((i) => !flagged.has(`${i.file}\0${i.path}`)));
  }

  // Names derived across devices (HA entity ids, secret names, room spellings) need devices that
  // parsed and reference real things: the devices whose files have no error of their own. A
  // broken file then does not hide a collision between two sound ones (and a device whose file
  // already has an error, e.g. a duplicate name, is not reported twice).
  if (config) {
    const broken = new Set(errorsOf(issues).map((i) => i.file));
    const sound = devices.filter((d) => !broken.has(d.file));
    const household = { configFile: configDoc.file, config, devices: sound, warnings: [] };
    issues.push(...checkEntityIdCollisions(household), ...secretNameCollisions(household), ...checkRoomSpellings(sound));
  }

  const located = locateAll(issues, [configDoc, ...deviceDocs]);
  const sorted = sortIssues(located);
  if (!config || errorsOf(sorted).length > 0) return { issues: sorted };
  const warnings = sorted.filter((i) => i.severity === 'warning');
  return { household: { configFile: configDoc.file, config, devices, warnings }, issues: sorted };
}

const readable = (doc: SourceDoc): boolean => !doc.issues?.length && isMapping(doc.value);

/** Puts line:col on issues whose path can be found in their file's source. */
function locateAll(issues: ConfigIssue[], docs: readonly SourceDoc[]): ConfigIssue[] {
  const locators = new Map(docs.map((d) => [d.file, d.locate]));
  return issues.map((issue) => {
    if (issue.line !== undefined || !issue.path) return issue;
    const pos = locators.get(issue.file)?.(parsePath(issue.path));
    return pos ? { ...issue, line: pos.line, col: pos.col } : issue;
  });
}

/** `trackers[0].person` → `['trackers', 0, 'person']` (the inverse of formatPath). */
export function parsePath(path: string): (string | number)[] {
  return [...path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)].map((m) => (m[1] !== undefined ? Number(m[1]) : m[2]!));
}
