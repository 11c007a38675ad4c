/**
 * The HA entity ids hearth expects its ESPHome devices' entities to get (entity-ids.ts) must be
 * unique across the household: when two devices' ids coincide (the same friendly name in the
 * same or no area, or names that differ only in what HA's slugify drops: "Hall-button" and
 * "Hall button"), HA gives the second one `_2`, and which device is which depends on the order
 * they were added. A collision is an error naming both spec files. Pure.
 */
import type { Household } from './household.js';
import { configError, type ConfigIssue } from './issues.js';
import { householdEntities } from './entity-ids.js';

export function checkEntityIdCollisions(household: Household): ConfigIssue[] {
  const owner = new Map<string, { file: string; device: string }>();
  const issues: ConfigIssue[] = [];
  const reported = new Set<string>();
  for (const device of householdEntities(household)) {
    for (const entity of device.entities) {
      const first = owner.get(entity.entityId);
      if (!first) {
        owner.set(entity.entityId, { file: device.file, device: device.device });
        continue;
      }
      if (first.device === device.device || reported.has(`${first.file}\0${device.file}`)) continue;
      reported.add(`${first.file}\0${device.file}`);
      issues.push(
        configError(
          device.file,
          device.area === undefined ? 'friendly_name' : 'area',
          `"${device.friendlyName}"${device.area ? ` in area "${device.area}"` : ''} gives the same HA entity id as ${first.file} (${entity.entityId}); ` +
            'HA would call the second one …_2 and which device is which would depend on the order they were added. Give one another friendly_name or area',
        ),
      );
    }
  }
  return issues;
}
