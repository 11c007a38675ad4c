/** The stack the integration project's global setup started (tests/integration/global-setup.ts). */
import { inject } from 'vitest';
import type { StackInfo } from '../stack/stack.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared stack of this run (plain data). */
    hearthStack: StackInfo;
  }
}

/** The shared stack; throws if the global setup did not run (unit project). */
export function sharedStack(): StackInfo {
  const stack = inject('hearthStack');
  if (!stack) throw new Error('no shared stack: run the integration project (tests/integration/global-setup.ts)');
  return stack;
}

/**
 * The entity id HA gave a device's entity with `role` (and `tracker` for RSSI sensors): the
 * derived description (src/config/entity-ids.ts) names the entity, HA's registry (captured
 * at startup in `stack.haEntities`) gives its id. Falls back to the derived id.
 */
export function entityIdFor(stack: Pick<StackInfo, 'devices' | 'haEntities'>, device: string, role: string, tracker?: string): string {
  const derived = stack.devices
    .find((d) => d.device === device)
    ?.entities.find((e) => e.role === role && (tracker === undefined || e.tracker === tracker));
  if (!derived) throw new Error(`${device} has no ${role} entity${tracker ? ` for ${tracker}` : ''}`);
  const created = stack.haEntities[device]?.find((e) => e.domain === derived.domain && e.name === derived.name);
  return created?.entityId ?? derived.entityId;
}
