/**
 * The life coach's wiring into the hub for the two placements that run something here
 * (unit.ts decides which and imports this file at start, so a hub without the coach loads
 * none of src/lifecoach/):
 * - `mountCoach`: the whole coach. The facts read from HA (`sensor.routine_<id>`,
 *   `sensor.<person>_room`, `todo.get_items`: lifecoach/ha/sources.ts), the notification through
 *   the person's `notify` service with the hub's own `HEARTH_DONE:<routine>` /
 *   `HEARTH_SNOOZE:<routine>` action ids (reminders/action-intake.ts takes them back), its
 *   entities over MQTT, its records in the hub's SQLite file, and its HTTP routes. Stills come
 *   from the local cameras, or over HTTP from the hub hearth when `deps.coach.hub` is set.
 * - `mountStills`: the coach runs in another process or on another host and this hearth has
 *   the cameras: only `/stills/<camera>.jpg` (the cameras switch followed on its retained MQTT
 *   state, `capture_when` checked against HA's room sensor).
 */
import type { RequestHandler, Router } from 'express';
import { mayCapture } from '../../lifecoach/checkin/rules.js';
import { coachTopics, type CoachDiscoveryContext } from '../../lifecoach/ha/discovery.js';
import { sendCheckinNotification } from '../../lifecoach/ha/notification.js';
import { haSources } from '../../lifecoach/ha/sources.js';
import { coachRouter } from '../../lifecoach/http/routes.js';
import { createCameraSet } from '../../lifecoach/stills/camera-set.js';
import { createRemoteCameraSet } from '../../lifecoach/stills/remote.js';
import { createCheckinStore } from '../../lifecoach/store.js';
import { createLifecoach } from '../../lifecoach/unit.js';
import { notificationActionId } from '../reminders/core/action-id.js';
import type { Link, UnitDeps } from '../unit.js';
import type { MountedCoach } from './unit.js';

/** Extra time a remote still may take beyond the slowest camera's own capture timeout (HTTP, queueing). */
const REMOTE_MARGIN_MS = 10_000;

/** What both placements read from the household: the coached person, their routines, HA's facts, the coach's topics. */
function coachContext(deps: UnitDeps) {
  const { config } = deps.household;
  const placement = deps.coach ?? { role: 'coach' as const };
  const person = config.people.find((p) => p.id === config.checkins?.person) ?? config.people[0]!;
  const routines = config.routines
    .filter((r) => r.person === undefined || r.person === person.id)
    .map((r) => ({ id: r.id, title: r.title }));
  const sources = haSources({ ha: deps.ha, person, routines, timezone: config.timezone, todoLists: config.lifecoach.todo_lists });
  const discovery: CoachDiscoveryContext = {
    prefix: deps.context.prefix,
    baseTopic: deps.context.baseTopic,
    version: deps.context.version,
    ...(placement.availabilityTopic ? { availabilityTopic: placement.availabilityTopic } : {}),
  };
  return { config, placement, person, sources, discovery };
}

/** Only the stills endpoint: the coach elsewhere owns the cameras switch. */
export function mountStills(deps: UnitDeps): MountedCoach {
  const { config, sources, discovery } = coachContext(deps);
  const log = deps.logger.child({ unit: 'lifecoach' });
  // The coach elsewhere owns the switch; its retained state says whether anyone may capture.
  // Off until that state arrives: a lost broker or retained state must not turn cameras on.
  let camerasOn = false;
  let unsubscribe: (() => void) | undefined;
  const cameras = createCameraSet({ cameras: config.cameras, now: () => deps.clock.now() });
  const store = createCheckinStore(deps.store.db);
  let router: Router | undefined;
  return {
    coach: undefined,
    start() {
      unsubscribe ??= deps.mqtt.subscribe(coachTopics(discovery).camerasState, (_topic, payload) => {
        const state = payload.toString().trim().toUpperCase();
        if (state === 'ON' || state === 'OFF') camerasOn = state === 'ON';
      });
      log.info({ cameras: cameras.names }, 'the life coach runs elsewhere: serving its stills only');
    },
    stop() {
      unsubscribe?.();
      unsubscribe = undefined;
    },
    routes(auth: RequestHandler) {
      return (router ??= coachRouter({
        auth,
        cameras,
        store,
        async captureBlocked() {
          const when = config.lifecoach.capture_when;
          const presence = await Promise.resolve(sources.presence()).catch(() => undefined);
          // Conditions on where the person is cannot be checked without HA: no capture then.
          if (!presence && (when.person_home || when.rooms)) return 'presence_unknown';
          return mayCapture({ camerasOn, cameraCount: cameras.names.length, when, presence: presence ?? { home: false } }).reason;
        },
      }));
    },
  };
}

/** The whole coach in this process (`checkins:` configured, placement `coach`). */
export function mountCoach(deps: UnitDeps): MountedCoach {
  const { config, placement, person, sources, discovery } = coachContext(deps);
  const log = deps.logger.child({ unit: 'lifecoach' });
  const names = config.cameras.map((c) => c.name);
  const slowest = Math.max(0, ...config.cameras.map((c) => c.timeout * 1000));
  const hub = placement.hub;
  const titles = new Map(config.routines.map((r) => [r.id, r.title]));
  const coach = createLifecoach({
    cameras: config.cameras,
    checkins: config.checkins!,
    ollama: config.ollama,
    lifecoach: config.lifecoach,
    timezone: config.timezone,
    quietHours: config.checkins?.quiet_hours ?? config.quiet_hours,
    person: { id: person.id, name: person.name },
    sources,
    mqtt: deps.mqtt,
    discovery,
    async notify(notification) {
      if (!person.notify) {
        log.warn({ person: person.id }, `no notify service for ${person.id} (people[].notify): the check-in is only in HA`);
        return;
      }
      await sendCheckinNotification(deps.ha, person.notify, notification, {
        actionId: (routine, action) => notificationActionId(routine, action),
        titleOf: (routine) => titles.get(routine),
      });
    },
    db: deps.store.db,
    stateDir: deps.stateDir ?? 'state',
    clock: deps.clock,
    log,
    ...(hub
      ? {
          cameraPort: createRemoteCameraSet({
            hubUrl: hub.url,
            token: () => hub.token,
            names,
            timeoutMs: slowest + REMOTE_MARGIN_MS,
            now: () => deps.clock.now(),
          }),
        }
      : {}),
  });

  let router: Router | undefined;
  return {
    coach,
    start: () => coach.start(),
    stop: () => coach.stop(),
    onReconnect: (link: Link) => coach.onReconnect(link),
    routes(auth: RequestHandler) {
      return (router ??= coachRouter({
        auth,
        cameras: coach.cameraPort,
        store: coach.store,
        captureBlocked: () => coach.captureBlocked(),
        runCheckin: (trigger) => coach.checkin(trigger),
      }));
    },
  };
}
