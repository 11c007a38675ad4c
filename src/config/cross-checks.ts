/**
 * Checks that need more than one object: ids unique within hearth.yaml, references between
 * its sections, device names unique across files, and devices naming routines and trackers
 * that exist. Pure: parsed objects in, issues out.
 *
 * They read only ids and references (`ConfigRefs`, `DeviceRefs`), which a parsed HearthConfig
 * satisfies as it is, and which can also be taken leniently from a file that failed its schema
 * elsewhere, so a typo in one routine does not hide every unknown-routine error.
 */
import type { LoadedDevice } from './household.js';
import { configError, configWarning, type ConfigIssue } from './issues.js';
import { didYouMean } from './names.js';
import { checkDerivedNames } from './derived-names.js';

/** The ids and references of hearth.yaml; entries keep their index, `undefined` where unreadable. */
export interface ConfigRefs {
  people: ReadonlyArray<{ id?: string | undefined }>;
  trackers: ReadonlyArray<{ id?: string | undefined; person?: string | undefined }>;
  routines: ReadonlyArray<{ id?: string | undefined; person?: string | undefined }>;
}

/** The name and references of one device spec. */
export interface DeviceRefs {
  file: string;
  kind: string;
  name?: string | undefined;
  routine?: string | undefined;
  tracks?: ReadonlyArray<string | undefined> | undefined;
}

export function deviceRefs({ file, spec }: LoadedDevice): DeviceRefs {
  return {
    file,
    kind: spec.kind,
    name: spec.name,
    routine: spec.kind === 'reminder-button' ? spec.routine : undefined,
    tracks: spec.kind === 'presence-node' ? spec.tracks : undefined,
  };
}

/** `unknown routine "kitchen-med"; did you mean "kitchen-meds"?` (or the known ones listed). */
export function unknownRef(what: string, wanted: string, known: readonly string[], where: string): string {
  const guess = didYouMean(wanted, known);
  if (guess) return `unknown ${what} "${wanted}"; did you mean "${guess}"?`;
  if (known.length === 0) return `unknown ${what} "${wanted}"; ${where} defines none`;
  return `unknown ${what} "${wanted}"; known: ${known.join(', ')}`;
}

const ids = (items: ReadonlyArray<{ id?: string | undefined }>): string[] => items.flatMap((i) => (i.id === undefined ? [] : [i.id]));

/** Ids within people, trackers and routines are unique; trackers and routines name real people. */
export function checkConfigRefs(configFile: string, config: ConfigRefs): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const sections = [
    ['people', 'person', config.people],
    ['trackers', 'tracker', config.trackers],
    ['routines', 'routine', config.routines],
  ] as const;
  for (const [section, what, items] of sections) {
    const firstIndex = new Map<string, number>();
    items.forEach((item, i) => {
      if (item.id === undefined) return;
      const first = firstIndex.get(item.id);
      if (first === undefined) firstIndex.set(item.id, i);
      else
        issues.push(
          configError(configFile, `${section}[${i}].id`, `duplicate ${what} id "${item.id}"; ${section}[${first}] already has it`),
        );
    });
  }

  const people = ids(config.people);
  const personRef = (section: string, items: ConfigRefs['trackers']): void =>
    items.forEach((item, i) => {
      if (item.person !== undefined && !people.includes(item.person)) {
        issues.push(configError(configFile, `${section}[${i}].person`, unknownRef('person', item.person, people, 'people:')));
      }
    });
  personRef('trackers', config.trackers);
  personRef('routines', config.routines);
  return issues;
}

/** Device names are unique across files (they become hostnames, secret names and file names). */
export function checkDeviceNames(devices: readonly DeviceRefs[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const owner = new Map<string, string>();
  for (const { file, name } of devices) {
    if (name === undefined) continue;
    const first = owner.get(name);
    if (first === undefined) owner.set(name, file);
    else issues.push(configError(file, 'name', `device name "${name}" is already used by ${first}; each device needs its own name`));
  }
  return issues;
}

/** Buttons name routines, presence nodes name trackers: both must exist in hearth.yaml. */
export function checkDeviceRefs(configFile: string, config: ConfigRefs, devices: readonly DeviceRefs[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const routines = ids(config.routines);
  const trackers = ids(config.trackers);
  for (const { file, kind, routine, tracks } of devices) {
    if (kind === 'reminder-button' && routine !== undefined && !routines.includes(routine)) {
      issues.push(configError(file, 'routine', unknownRef('routine', routine, routines, `${configFile} routines:`)));
    }
    if (kind !== 'presence-node') continue;
    const seen = new Set<string>();
    tracks?.forEach((id, i) => {
      if (id === undefined) return;
      if (!trackers.includes(id))
        issues.push(configError(file, `tracks[${i}]`, unknownRef('tracker', id, trackers, `${configFile} trackers:`)));
      else if (seen.has(id)) issues.push(configError(file, `tracks[${i}]`, `tracker "${id}" is listed twice`));
      seen.add(id);
    });
    if (tracks === undefined && trackers.length === 0) {
      issues.push(configWarning(file, 'tracks', `tracks nothing: ${configFile} has no trackers`));
    }
  }
  return issues;
}

/** All cross-file checks. */
export function crossCheck(configFile: string, config: ConfigRefs, devices: readonly DeviceRefs[]): ConfigIssue[] {
  return [
    ...checkConfigRefs(configFile, config),
    ...checkDerivedNames(configFile, config),
    ...checkDeviceNames(devices),
    ...checkDeviceRefs(configFile, config, devices),
  ];
}

// --- lenient reading of files that failed their schema -------------------------------------

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const field = (v: unknown, key: string): unknown =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Ids and references from a raw hearth.yaml value, whatever else is wrong with it. */
export function configRefsFromRaw(raw: unknown): ConfigRefs {
  const refs = (key: string) => list(field(raw, key)).map((item) => ({ id: str(field(item, 'id')), person: str(field(item, 'person')) }));
  return { people: refs('people'), trackers: refs('trackers'), routines: refs('routines') };
}

/** Name and references from a raw device spec of a known kind, whatever else is wrong with it. */
export function deviceRefsFromRaw(file: string, raw: unknown): DeviceRefs | undefined {
  const kind = str(field(raw, 'kind'));
  if (kind === undefined) return undefined;
  const tracks = field(raw, 'tracks');
  return {
    file,
    kind,
    name: str(field(raw, 'name')),
    routine: str(field(raw, 'routine')),
    tracks: Array.isArray(tracks) ? tracks.map(str) : undefined,
  };
}
