/**
 * Ids are unique as written, but what hearth derives from them is not always: HA entity ids,
 * MQTT unique_ids and discovery topics turn '-' into '_' (`entitySlug`), and ESPHome names and
 * secret names do the same. Two routines `water-plants` and `water_plants` would share one
 * unique_id and one discovery topic, and HA would silently keep only one of them.
 *
 * So every key derived from an id is computed here with the very functions that derive it
 * (hub/mqtt/discovery.ts for people and routines; the tracker's entity slug for the
 * per-tracker RSSI sensors and secret names), and a key claimed twice is an error that names
 * both owners. Pure: ids in, issues out.
 */
import { entitySlug, personDiscovery, routineDiscovery, type DiscoveryContext, type MqttMessage } from '../discovery/discovery.js';
import type { ConfigRefs } from './cross-checks.js';
import { configError, configWarning, type ConfigIssue } from './issues.js';
import type { LoadedDevice } from './household.js';

/** Prefix and base topic do not change which keys coincide; the defaults stand for any. */
const CTX: DiscoveryContext = { prefix: 'homeassistant', baseTopic: 'hearth', version: '0' };

interface Owner {
  /** e.g. `routines[1].id` */
  path: string;
  id: string;
}

/** The keys one MQTT discovery config claims: its topic, unique_id and default entity id. */
function messageKeys(message: MqttMessage): string[] {
  const component = message.topic.split('/')[1] ?? '';
  const payload = JSON.parse(message.payload) as { unique_id?: string; default_entity_id?: string };
  return [
    `discovery topic ${message.topic}`,
    ...(payload.unique_id ? [`MQTT unique_id ${payload.unique_id} (${component})`] : []),
    ...(payload.default_entity_id ? [`entity id ${payload.default_entity_id}`] : []),
  ];
}

/** Every derived key of each person, routine and tracker id. */
function derivedKeys(config: ConfigRefs): Array<{ owner: Owner; keys: string[] }> {
  const out: Array<{ owner: Owner; keys: string[] }> = [];
  config.people.forEach(({ id }, i) => {
    if (id !== undefined)
      out.push({ owner: { path: `people[${i}].id`, id }, keys: personDiscovery(CTX, { id, name: id }).flatMap(messageKeys) });
  });
  config.routines.forEach(({ id }, i) => {
    if (id !== undefined)
      out.push({ owner: { path: `routines[${i}].id`, id }, keys: routineDiscovery(CTX, { id, title: id }).flatMap(messageKeys) });
  });
  config.trackers.forEach(({ id }, i) => {
    // Each presence node has one RSSI sensor and one secret name per tracker, named after its slug.
    if (id !== undefined)
      out.push({ owner: { path: `trackers[${i}].id`, id }, keys: [`tracker sensor and secret name ${entitySlug(id)}`] });
  });
  return out;
}

/** An error for each id whose derived keys another id already claims (exact duplicates are reported elsewhere). */
export function checkDerivedNames(configFile: string, config: ConfigRefs): ConfigIssue[] {
  const claimed = new Map<string, Owner>();
  const issues: ConfigIssue[] = [];
  for (const { owner, keys } of derivedKeys(config)) {
    const clashes = keys.map((key) => [key, claimed.get(key)] as const).filter(([, other]) => other && other.id !== owner.id);
    const other = clashes[0]?.[1];
    if (other) {
      const shared = clashes.filter(([, o]) => o === other).map(([key]) => key);
      const how = entitySlug(owner.id) === entitySlug(other.id) ? ' once "-" and "_" are treated alike' : '';
      issues.push(
        configError(
          configFile,
          owner.path,
          `"${owner.id}" collides with ${other.path} "${other.id}"${how}: both would get ${shared.slice(0, 2).join(' and ')}; HA would keep only one. Rename one of them`,
        ),
      );
    }
    for (const key of keys) if (!claimed.has(key)) claimed.set(key, owner);
  }
  return issues;
}

/**
 * Rooms are values (what `sensor.<person>_room` reports), not keys, so two spellings are two
 * rooms: `living-room` on one node and `living_room` on another split one room's evidence in
 * two. Likely a typo, so a warning naming both files.
 */
export function checkRoomSpellings(devices: readonly LoadedDevice[]): ConfigIssue[] {
  const seen = new Map<string, { room: string; file: string }>();
  const issues: ConfigIssue[] = [];
  for (const { file, spec } of devices) {
    if (spec.kind !== 'presence-node') continue;
    const key = entitySlug(spec.room);
    const first = seen.get(key);
    if (!first) seen.set(key, { room: spec.room, file });
    else if (first.room !== spec.room) {
      issues.push(
        configWarning(
          file,
          'room',
          `room "${spec.room}" differs from "${first.room}" (${first.file}) only in "-" / "_": they count as two rooms; if they are one, spell it the same way`,
        ),
      );
    }
  }
  return issues;
}
