/**
 * `hearth run`: the hub as an ordered list of units (unit.ts). `start()` loads the household
 * and the secrets and opens the store: without them nothing can work, so a failure there is
 * fatal (ConfigError, SecretError naming the setting and file, StartError; the CLI exits 2).
 * Then it starts the units in order, each in its own try/catch (one failing does not stop the
 * rest; /api/status lists it): Home Assistant, MQTT, discovery, the configuration-built units
 * (units.ts), HTTP. `stop()` stops them in reverse and closes the store last. A rejected HA token
 * is fatal (`onFatal`: the caller exits non-zero); a connection lost later is retried.
 *
 * `reload()` (SIGHUP, reload.ts) and a change of HA's entity ids (entity-id-resolution.ts)
 * replace the configuration-built units: each successor gets its stopped predecessor to carry
 * state over. This file only orders the units; what they do is in their folders.
 *
 * A coach-only hearth (`only: 'lifecoach'`, or `lifecoach.placement: remote`) runs Home
 * Assistant, MQTT (its own availability topic, `<base>/lifecoach/status`, so its stop does not
 * make the hub's entities unavailable), the `lifecoach` unit and HTTP: no household discovery,
 * no reminders, no presence. Its stills come from `lifecoach.hub.url` with that hub's token.
 */
import { householdEntities, type DeviceEntities } from '../config/entity-ids.js';
import type { Household } from '../config/household.js';
import type { Secret } from '../config/secret-files.js';
import type { Logger } from '../log.js';
import { systemClock, type Clock } from './clock.js';
import { loadForHub, readHttpToken, readHubSecrets } from './config-loading.js';
import { readRegistries, resolvedDevices } from './entity-id-resolution.js';
import { readSecret } from '../config/secret-files.js';
import type { LifecoachUnit } from './lifecoach/unit.js';
import type { HaClient } from './ha/client.js';
import { createHaUnit, type HaUnit } from './ha/unit.js';
import { hubRoutes } from './http/hub-routes.js';
import type { Health, HttpApi } from './http/server.js';
import { createHttpUnit, type HttpUnit } from './http/unit.js';
import { registerHubMetrics } from './hub-metrics.js';
import type { HubView } from './hub-view.js';
import { createMetrics, type Metrics } from './metrics.js';
import type { HubMqtt, HubMqttDeps } from './mqtt/client.js';
import { haStatusTopic, householdDiscovery, type DiscoveryContext } from '../discovery/discovery.js';
import { discoveryEntities } from './mqtt/discovery-entities.js';
import { createDiscoveryUnit, createMqttUnit, type DiscoveryUnit, type MqttUnit } from './mqtt/unit.js';
import type { PresenceUnit } from './presence/unit.js';
import { loadReloaded, reloadQueue } from './reload.js';
import type { Reminders } from './reminders/unit.js';
import { createStore, storePath, type Store } from './store/store.js';
import type { CoachPlacement, HubUnit, UnitDeps } from './unit.js';
import { createUnitRunner } from './unit-runner.js';
import { CONFIG_UNITS } from './units.js';
import { hearthVersion } from './version.js';
import type WebSocket from 'ws';
import { dirname } from 'node:path';

/** The hub cannot start (e.g. its store cannot be opened); the message names the setting or file. */
export class StartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartError';
  }
}

export interface HubOptions {
  configFile: string;
  devicesDir: string;
  logger: Logger;
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
  /** A fatal error (rejected HA token): stop and exit non-zero. */
  onFatal: (error: Error) => void;
  /** `lifecoach`: a coach-only hearth (`hearth run --only lifecoach`). */
  only?: 'lifecoach';
  /** false: the life coach does not run in this process (`--no-lifecoach`); its cameras' stills are still served. */
  lifecoach?: boolean;
  /** The HTTP API's port instead of `http.port` (a coach-only hearth beside the hub on one host). */
  httpPort?: number;
  /** The SQLite file instead of `<state_dir>/hearth.sqlite`. */
  storeFile?: string;
  /** Overrides for tests (e.g. port 0, fast heartbeats). */
  overrides?: {
    httpPort?: number;
    heartbeatMs?: number;
    pongTimeoutMs?: number;
    storeFile?: string;
    /** A fake Home Assistant (tests/unit/hub/fakes/fake-ha.ts). */
    WebSocketImpl?: typeof WebSocket;
    /** A fake mqtt.js client. */
    mqttConnect?: HubMqttDeps['connect'];
  };
}

export interface Hub {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Re-reads the configuration; false (and the old one kept) when it has errors. */
  reload(): Promise<boolean>;
  health(): Health;
  readonly ha: HaClient | undefined;
  readonly mqtt: HubMqtt | undefined;
  readonly store: Store | undefined;
  readonly http: HttpApi | undefined;
  readonly reminders: Reminders | undefined;
  readonly household: Household | undefined;
  /** The household's devices with the entity ids in use (as HA named them, once resolved). */
  readonly devices: DeviceEntities[];
}

export function createHub(options: HubOptions): Hub {
  const log = options.logger;
  const clock = options.clock ?? systemClock;
  const env = options.env ?? process.env;
  const version = hearthVersion();
  const metrics: Metrics = createMetrics();
  const startedAt = clock.now();

  const units = createUnitRunner(log);
  /** Set by stop(): nothing starts again after it (checked after every await). */
  let stopped = false;

  let household: Household | undefined;
  let devices: DeviceEntities[] = [];
  let store: Store | undefined;
  let context: DiscoveryContext | undefined;
  let httpToken: Secret | undefined;
  let haUnit: HaUnit | undefined;
  let mqttUnit: MqttUnit | undefined;
  let discoveryUnit: DiscoveryUnit | undefined;
  let httpUnit: HttpUnit | undefined;

  const startUnit = (unit: HubUnit): Promise<void> => units.run(unit.name, () => unit);
  let coachOnly = options.only === 'lifecoach';
  let coach: CoachPlacement | undefined;
  let stateDir = 'state';

  /** (Re)builds the configuration-built units from the household and entity ids in force. */
  const startConfigUnits = async (): Promise<void> => {
    const ha = haUnit?.client;
    const mqtt = mqttUnit?.client;
    if (stopped || !household || !store || !ha || !mqtt || !context) return;
    const deps: UnitDeps = {
      household,
      devices,
      ha,
      mqtt,
      store,
      context,
      clock,
      logger: log,
      metrics,
      stateDir,
      ...(coach ? { coach } : {}),
    };
    for (const factory of CONFIG_UNITS) {
      if (coachOnly && factory.name !== 'lifecoach') continue;
      await units.run(factory.name, (previous) => factory.create(deps, previous));
    }
  };

  /** Entity ids as HA has them; the units are rebuilt when they differ. One read at a time. */
  let resolving: Promise<void> | undefined;
  const resolveEntityIds = (): Promise<void> =>
    (resolving ??= (async () => {
      try {
        const ha = haUnit?.client;
        if (stopped || !ha || !household) return;
        const registries = await readRegistries(ha);
        if (stopped) return;
        const resolved = resolvedDevices(household, registries, devices, log);
        if (!resolved) return;
        devices = resolved;
        await startConfigUnits();
      } catch (e) {
        if (stopped) return;
        log.warn(
          { err: e instanceof Error ? e.message : JSON.stringify(e) },
          'could not read the entity registry; using derived entity ids',
        );
      } finally {
        resolving = undefined;
      }
    })());

  /** Routines with their buttons' area, people with every room they can be reported in. */
  const discoveryConfigs = (h: Household) => householdDiscovery(context!, discoveryEntities(h));

  const view = (): HubView => ({
    ha: haUnit?.client,
    mqtt: mqttUnit?.client,
    store,
    reminders: units.get<Reminders>('reminders'),
    presence: units.get<PresenceUnit>('presence'),
    lifecoach: units.get<LifecoachUnit>('lifecoach'),
  });

  const reloads = reloadQueue(async () => {
    if (stopped) return false;
    const prev = household;
    if (!prev) {
      log.warn('reload: hearth has not finished starting; nothing to reload yet');
      return false;
    }
    const next = await loadReloaded(prev, options.configFile, options.devicesDir, log);
    if (stopped || !next) return false;
    household = next;
    devices = householdEntities(next);
    await startConfigUnits();
    if (stopped) return false;
    if (haUnit?.client?.state === 'connected') await resolveEntityIds();
    if (stopped) return false;
    if (!coachOnly) await discoveryUnit?.setConfigs(discoveryConfigs(next));
    if (stopped) return false;
    if (httpToken) {
      try {
        const token = await readHttpToken(next.config, env);
        if (stopped) return false;
        httpToken = token;
      } catch (e) {
        log.error({ err: (e as Error).message }, 'reload: HTTP token unreadable; keeping the old one');
      }
    }
    log.info({ routines: next.config.routines.length, devices: next.devices.length }, 'configuration reloaded');
    return true;
  }, log);

  const hub: Hub = {
    async start() {
      const loaded = await loadForHub(options.configFile, options.devicesDir, log);
      if (stopped) return;
      household = loaded;
      devices = householdEntities(loaded);
      const { config } = loaded;
      context = { prefix: config.mqtt.discovery_prefix, baseTopic: config.mqtt.base_topic, version };
      registerHubMetrics(metrics, view, startedAt);

      const secrets = await readHubSecrets(config, env);
      if (stopped) return;
      httpToken = secrets.httpToken;

      coachOnly ||= config.lifecoach.placement === 'remote' && options.lifecoach !== false;
      const hubLink = coachOnly ? config.lifecoach.hub : undefined;
      const hubToken = hubLink
        ? await readSecret(
            { setting: 'lifecoach.hub.token_file', file: hubLink.token_file, credentialName: 'hub-token', envVar: 'HEARTH_HUB_TOKEN' },
            { env },
          )
        : undefined;
      if (stopped) return;
      const coachHere =
        coachOnly || (options.lifecoach !== false && config.lifecoach.enabled && config.lifecoach.placement === 'same-unit');
      const ownAvailability = `${context.baseTopic}/lifecoach/status`;
      coach = {
        role: coachHere ? 'coach' : config.lifecoach.enabled ? 'stills' : 'off',
        ...(hubLink && hubToken ? { hub: { url: hubLink.url, token: hubToken.value } } : {}),
        ...(coachOnly ? { availabilityTopic: ownAvailability } : {}),
      };
      if (coachOnly) log.info({ stills: hubLink?.url ?? 'local cameras' }, 'coach-only hearth: running the life coach alone');

      const file = options.overrides?.storeFile ?? options.storeFile ?? storePath(config.state_dir, env);
      stateDir = dirname(file);
      try {
        store = createStore({ path: file });
      } catch (e) {
        throw new StartError(`the store ${file} (state_dir) could not be opened: ${(e as Error).message}`);
      }
      log.info({ path: store.path, schema: store.schemaVersion }, 'store open');
      const openStore = store;

      haUnit = createHaUnit({
        settings: config.homeassistant,
        token: secrets.haToken,
        logger: log,
        onFatal: (e) => options.onFatal(e),
        // The registries are asked first (their requests go out before the units' commands).
        onRunning: () => {
          void resolveEntityIds();
          units.reconnect('homeassistant');
        },
        overrides: options.overrides,
      });
      await startUnit(haUnit);

      // A coach-only hearth's will and `online` go to its own topic (the hub's stay the hub's).
      const mqttContext = coachOnly ? { ...context, baseTopic: `${context.baseTopic}/lifecoach` } : context;
      mqttUnit = createMqttUnit({
        settings: config.mqtt,
        password: secrets.mqttPassword,
        context: mqttContext,
        logger: log,
        connect: options.overrides?.mqttConnect,
      });
      await startUnit(mqttUnit);

      if (coachOnly) {
        // No household discovery here: the coach publishes its own on each connect and HA's `online`.
        const client = mqttUnit.client;
        client?.onConnect(() => units.reconnect('mqtt'));
        client?.subscribe(haStatusTopic(context), (_topic, payload) => {
          if (payload.toString().trim() === 'online') units.reconnect('mqtt');
        });
      } else
        discoveryUnit = createDiscoveryUnit({
          mqtt: mqttUnit.client,
          context,
          store: openStore,
          clock,
          logger: log,
          configs: () => discoveryConfigs(household!),
          // The one place states are republished on a connect (after their configs).
          afterPublish: () => units.reconnect('mqtt'),
        });
      if (discoveryUnit) await startUnit(discoveryUnit);

      await startConfigUnits();

      httpUnit = createHttpUnit({
        host: config.http.host,
        port: options.overrides?.httpPort ?? options.httpPort ?? config.http.port,
        token: () => httpToken!.value,
        logger: log,
        health: () => hub.health(),
        metrics: () => metrics.render(),
        // The coach's routes (stills, check-ins) of the unit in force, behind the same token.
        extraRoutes: (auth) => units.get<LifecoachUnit>('lifecoach')?.routes(auth),
        ...hubRoutes({
          units: view,
          health: () => hub.health(),
          failures: units.failures,
          haUrl: () => household?.config.homeassistant.url,
          version,
          clock,
          startedAt,
        }),
      });
      await startUnit(httpUnit);
      log.info({ version, failures: Object.keys(units.failures) }, 'hearth hub started');
    },

    async stop() {
      // From here on nothing (re)starts: a reload or entity resolution in flight sees `stopped`
      // after its next await and returns; the HA client rejects what waits for RUNNING.
      stopped = true;
      await units.stopAll();
      // Let them finish before the store closes under them; stop what they may have made.
      await reloads.idle();
      await resolving;
      await units.stopAll();
      store?.close();
      log.info('hearth hub stopped');
    },

    reload: () => reloads.reload(),

    health() {
      return {
        ha: haUnit?.client?.state ?? 'stopped',
        mqtt: mqttUnit?.client?.state ?? 'stopped',
        store: store ? (store.healthy() ? 'ok' : 'error') : 'stopped',
      };
    },
    get ha() {
      return haUnit?.client;
    },
    get mqtt() {
      return mqttUnit?.client;
    },
    get store() {
      return store;
    },
    get http() {
      return httpUnit?.api;
    },
    get reminders() {
      return units.get<Reminders>('reminders');
    },
    get household() {
      return household;
    },
    get devices() {
      return devices;
    },
  };
  return hub;
}
