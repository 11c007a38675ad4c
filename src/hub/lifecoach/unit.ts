/**
 * The life coach (src/lifecoach/) mounted as the hub's `lifecoach` unit. This file decides what
 * runs in this process and imports the wiring for it (mount.ts) at start(): a hub without the
 * coach loads none of src/lifecoach/. What the coach does is in src/lifecoach/unit.ts.
 *
 * What this process does depends on the placement (`deps.coach`, decided by service.ts from
 * `--only lifecoach`, `--no-lifecoach` and `lifecoach.placement`) and the configuration:
 * - `coach`: the whole coach, when `checkins:` is configured (mount.ts `mountCoach`);
 * - `stills`: the coach runs in another process or on another host and this hearth has the
 *   cameras: only `/stills/<camera>.jpg` (mount.ts `mountStills`);
 * - otherwise, and with neither `checkins:` nor `cameras:`, an idle unit: nothing is loaded,
 *   captured or published.
 */
import type { RequestHandler, Router } from 'express';
import type { Lifecoach } from '../../lifecoach/unit.js';
import type { HubUnit, Link, UnitDeps, UnitFactory } from '../unit.js';

export interface LifecoachUnit extends HubUnit {
  readonly name: 'lifecoach';
  /** What runs here: the whole coach, only the stills endpoint, or nothing. */
  readonly role: 'coach' | 'stills' | 'idle';
  /** The coach, when it runs in this process (once started). */
  readonly coach: Lifecoach | undefined;
  /** The coach's HTTP routes behind `auth` (the hub's bearer token); undefined when idle or not started. */
  routes(auth: RequestHandler): Router | undefined;
}

/** What a placement's wiring (mount.ts) gives the unit. */
export interface MountedCoach {
  readonly coach: Lifecoach | undefined;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
  onReconnect?(link: Link): void;
  routes(auth: RequestHandler): Router;
}

/** The role in this process: the placement (default `coach`) and what hearth.yaml configures. */
export function lifecoachRole(deps: Pick<UnitDeps, 'household' | 'coach'>): LifecoachUnit['role'] {
  const { config } = deps.household;
  const placement = deps.coach?.role ?? 'coach';
  if (placement === 'coach' && config.checkins) return 'coach';
  return placement !== 'off' && config.cameras.length > 0 ? 'stills' : 'idle';
}

/** Makes the unit from the hub's deps; see the file comment for the placements. */
export function createLifecoachUnit(deps: UnitDeps): LifecoachUnit {
  const role = lifecoachRole(deps);
  if (role === 'idle') {
    return { name: 'lifecoach', role, coach: undefined, start() {}, stop() {}, routes: () => undefined };
  }
  let mounted: MountedCoach | undefined;
  return {
    name: 'lifecoach',
    role,
    get coach() {
      return mounted?.coach;
    },
    async start() {
      if (!mounted) {
        const { mountCoach, mountStills } = await import('./mount.js');
        mounted = role === 'coach' ? mountCoach(deps) : mountStills(deps);
      }
      await mounted.start();
    },
    stop: () => mounted?.stop(),
    onReconnect: (link) => mounted?.onReconnect?.(link),
    routes: (auth) => mounted?.routes(auth),
  };
}

export const lifecoachUnit: UnitFactory<LifecoachUnit> = { name: 'lifecoach', create: (deps) => createLifecoachUnit(deps) };
