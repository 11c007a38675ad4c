/**
 * Checks that need more than one object: ids unique within hearth.yaml, references between
 * its sections, device names unique across files, and devices naming routines and trackers
 * that exist. Pure: parsed objects in, issues out.
 */
import type { HearthConfig } from './hearth-config.js';
import type { LoadedDevice } from './household.js';
import { configError, configWarning, type ConfigIssue } from './issues.js';
import { didYouMean } from './names.js';

/** `unknown routine "kitchen-med"; did you mean "kitchen-meds"?` (or the known ones listed). */
export function unknownRef(what: string, wanted: string, known: readonly string[], where: string): string {
  const guess = didYouMean(wanted, known);
  if (guess) return `unknown ${what} "${wanted}"; did you mean "${guess}"?`;
  if (known.length === 0) return `unknown ${what} "${wanted}"; ${where} defines none`;
  return `unknown ${what} "${wanted}"; known: ${known.join(', ')}`;
}

/** Ids within people, trackers and routines are unique; trackers and routines name real people. */
export function checkConfigRefs(configFile: string, config: HearthConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const sections = [
    ['people', 'person', config.people],
    ['trackers', 'tracker', config.trackers],
    ['routines', 'routine', config.routines],
  ] as const;
  for (const [section, what, items] of sections) {
    const firstIndex = new Map<string, number>();
    items.forEach((item, i) => {
      const first = firstIndex.get(item.id);
      if (first === undefined) firstIndex.set(item.id, i);
      else issues.push(configError(configFile, `${section}[${i}].id`, `duplicate ${what} id "${item.id}"; ${section}[${first}] already has it`));
    });
  }

  const people = config.people.map((p) => p.id);
  config.trackers.forEach((t, i) => {
    if (!people.includes(t.person)) {
      issues.push(configError(configFile, `trackers[${i}].person`, unknownRef('person', t.person, people, 'people:')));
    }
  });
  config.routines.forEach((r, i) => {
    if (r.person !== undefined && !people.includes(r.person)) {
      issues.push(configError(configFile, `routines[${i}].person`, unknownRef('person', r.person, people, 'people:')));
    }
  });
  return issues;
}

/** Device names are unique across files (they become hostnames, secrets and file names). */
export function checkDeviceNames(devices: readonly LoadedDevice[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const owner = new Map<string, string>();
  for (const { file, spec } of devices) {
    const first = owner.get(spec.name);
    if (first === undefined) owner.set(spec.name, file);
    else issues.push(configError(file, 'name', `device name "${spec.name}" is already used by ${first}; each device needs its own name`));
  }
  return issues;
}

/** Buttons name routines, presence nodes name trackers: both must exist in hearth.yaml. */
export function checkDeviceRefs(configFile: string, config: HearthConfig, devices: readonly LoadedDevice[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const routines = config.routines.map((r) => r.id);
  const trackers = config.trackers.map((t) => t.id);
  for (const { file, spec } of devices) {
    if (spec.kind === 'reminder-button' && !routines.includes(spec.routine)) {
      issues.push(configError(file, 'routine', unknownRef('routine', spec.routine, routines, `${configFile} routines:`)));
    }
    if (spec.kind === 'presence-node') {
      spec.tracks?.forEach((id, i) => {
        if (!trackers.includes(id)) issues.push(configError(file, `tracks[${i}]`, unknownRef('tracker', id, trackers, `${configFile} trackers:`)));
      });
      if (spec.tracks === undefined && trackers.length === 0) {
        issues.push(configWarning(file, 'tracks', `tracks nothing: ${configFile} has no trackers`));
      }
    }
  }
  return issues;
}

/** All cross-file checks. */
export function crossCheck(configFile: string, config: HearthConfig, devices: readonly LoadedDevice[]): ConfigIssue[] {
  return [...checkConfigRefs(configFile, config), ...checkDeviceNames(devices), ...checkDeviceRefs(configFile, config, devices)];
}
