/**
 * `hearth run`: the long-running hub. Loads the household, then starts each unit in its own
 * try/catch (one failing does not stop the rest): store, HA, MQTT, discovery, reminders,
 * presence, HTTP. What nothing can work without is fatal at start, before any unit runs: the
 * configuration (ConfigError), the secrets (SecretError naming the setting and file) and the
 * store (StartError); the CLI exits 2 on them. `reload()` (SIGHUP) re-reads hearth.yaml and
 * devices/; a bad config is reported issue by issue and the running one kept. `stop()`
 * publishes `offline` and closes everything. A rejected HA token is fatal (`onFatal`): the
 * caller exits non-zero. A connection lost later is not fatal: it is retried.
 * The hub's own /metrics series are in hub-metrics.ts, what the HTTP API serves from the
 * units in http/hub-routes.ts; this file loads the configuration, wires the units and
 * resolves entity ids.
 */
import { checkHousehold } from '../config/load.js';
import type { Household } from '../config/household.js';
import { errorsOf, formatIssue, ConfigError } from '../config/issues.js';
import { HA_TOKEN, HTTP_TOKEN, MQTT_PASSWORD, readOptionalSecret, readSecret, type Secret } from '../config/secret-files.js';
import { householdEntities, type DeviceEntities } from '../esphome/entity-ids.js';
import type { Logger } from '../log.js';
import { systemClock, type Clock } from './clock.js';
import { createHaClient, type HaAuthError, type HaClient } from './ha/client.js';
import { resolveEntityIds, type RegistryDevice, type RegistryEntity } from './ha/entity-resolver.js';
import { hubRoutes } from './http/hub-routes.js';
import { createHttpApi, type Health, type HttpApi } from './http/server.js';
import { registerHubMetrics } from './hub-metrics.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createHubMqtt, type HubMqtt, type HubMqttDeps } from './mqtt/client.js';
import { createDiscoveryPublisher, type DiscoveryPublisher } from './mqtt/discovery-publisher.js';
import { availabilityTopic, householdDiscovery, type DiscoveryContext } from './mqtt/discovery.js';
import { createReminders, type Reminders } from './reminders/unit.js';
import { createStore, storePath, type Store } from './store/store.js';
import { hearthVersion } from './version.js';
import { createPresenceUnit, type PresenceUnit } from './presence/unit.js';
import type { HubUnits } from './units.js';
import type WebSocket from 'ws';

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
  /** Overrides for tests (e.g. port 0, fast heartbeats). */
  overrides?: {
    httpPort?: number;
    heartbeatMs?: number;
    pongTimeoutMs?: number;
    storeFile?: string;
    /** A fake Home Assistant (tests/unit/hub-io/fake-ha.ts). */
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

/** Loads the household or throws ConfigError with every issue (warnings are logged). */
export async function loadForHub(configFile: string, devicesDir: string, log: Logger): Promise<Household> {
  const { household, issues } = await checkHousehold({ configFile, devicesDir });
  for (const issue of issues) if (issue.severity === 'warning') log.warn({ file: issue.file }, formatIssue(issue));
  if (!household || errorsOf(issues).length > 0) throw new ConfigError(issues);
  return household;
}

export function createHub(options: HubOptions): Hub {
  const log = options.logger;
  const clock = options.clock ?? systemClock;
  const env = options.env ?? process.env;
  const version = hearthVersion();
  const metrics: Metrics = createMetrics();
  const startedAt = clock.now();

  let household: Household | undefined;
  let devices: DeviceEntities[] = [];
  let store: Store | undefined;
  let ha: HaClient | undefined;
  let mqtt: HubMqtt | undefined;
  let discovery: DiscoveryPublisher | undefined;
  let reminders: Reminders | undefined;
  let presence: PresenceUnit | undefined;
  let http: HttpApi | undefined;
  let httpToken: Secret | undefined;
  let context: DiscoveryContext | undefined;
  const failures: Record<string, string> = {};
  /** Set by stop(): nothing starts again after it (checked after every await). */
  let stopped = false;

  /** Runs one unit's start; a failure is logged and remembered, the others go on. */
  const unit = async (name: string, fn: () => unknown): Promise<void> => {
    if (stopped) return;
    try {
      await fn();
      delete failures[name];
    } catch (e) {
      failures[name] = (e as Error).message;
      log.error({ unit: name, err: (e as Error).message }, `${name} failed to start`);
    }
  };

  const discoveryConfigs = (h: Household) =>
    householdDiscovery(context!, {
      routines: h.config.routines.map((r) => ({ id: r.id, title: r.title })),
      people: h.config.people.map((p) => ({ id: p.id, name: p.name })),
    });

  const startDomainUnits = async (h: Household): Promise<void> => {
    if (stopped || !store || !ha || !mqtt || !context) return;
    const base = { household: h, devices, ha, mqtt, store, context, clock, logger: log, metrics };
    // Each replaces its predecessor in the same synchronous step: never two of a kind running.
    await unit('reminders', () => {
      reminders?.stop();
      if (stopped) return;
      reminders = createReminders(base);
      reminders.start();
    });
    await unit('presence', () => {
      presence?.stop();
      if (stopped) return;
      presence = createPresenceUnit(base);
      presence.start();
    });
  };

  /** Entity ids as HA has them (area prefixes, `_2`, renames); restarts the units when they differ. */
  let resolving: Promise<void> | undefined;
  const resolveDevices = (): Promise<void> =>
    (resolving ??= (async () => {
      try {
        if (stopped || !ha || !household) return;
        const [entities, registryDevices] = await Promise.all([
          ha.sendMessage<RegistryEntity[]>({ type: 'config/entity_registry/list' }),
          ha.sendMessage<RegistryDevice[]>({ type: 'config/device_registry/list' }),
        ]);
        if (stopped) return;
        const { devices: resolved, renamed, missing } = resolveEntityIds(householdEntities(household), entities, registryDevices);
        if (missing.length) log.warn({ missing }, 'entities of the device specs not found in Home Assistant (not adopted yet?)');
        if (JSON.stringify(resolved) === JSON.stringify(devices)) return;
        if (Object.keys(renamed).length) log.info({ renamed }, 'Home Assistant named some entities differently from the specs; using its ids');
        devices = resolved;
        reminders?.stop();
        presence?.stop();
        await startDomainUnits(household);
      } catch (e) {
        if (stopped) return;
        log.warn({ err: e instanceof Error ? e.message : JSON.stringify(e) }, 'could not read the entity registry; using derived entity ids');
      } finally {
        resolving = undefined;
      }
    })());

  const units = (): HubUnits => ({ ha, mqtt, store, reminders, presence });

  let reloads: Promise<boolean> = Promise.resolve(true);
  const reloadNow = async (): Promise<boolean> => {
    if (stopped) return false;
    const prev = household;
    if (!prev) {
      log.warn('reload: hearth has not finished starting; nothing to reload yet');
      return false;
    }
    let next: Household;
    try {
      next = await loadForHub(options.configFile, options.devicesDir, log);
      if (stopped) return false;
    } catch (e) {
      if (e instanceof ConfigError) {
        for (const issue of errorsOf(e.issues)) log.error({ file: issue.file }, formatIssue(issue));
        log.error({ errors: errorsOf(e.issues).length }, 'reload: configuration has errors; keeping the running one');
      } else log.error({ err: (e as Error).message }, 'reload failed; keeping the running configuration');
      return false;
    }
    for (const key of ['homeassistant', 'mqtt', 'http', 'state_dir'] as const) {
      if (JSON.stringify(prev.config[key]) !== JSON.stringify(next.config[key])) {
        log.warn({ setting: key }, `reload: ${key} settings changed; they take effect at the next restart`);
      }
    }
    household = { ...next, config: { ...next.config, homeassistant: prev.config.homeassistant, mqtt: prev.config.mqtt, http: prev.config.http, state_dir: prev.config.state_dir } };
    devices = householdEntities(household);
    reminders?.stop();
    presence?.stop();
    reminders = undefined;
    presence = undefined;
    await startDomainUnits(household);
    if (stopped) return false;
    if (ha?.state === 'connected') await resolveDevices();
    if (stopped) return false;
    await discovery?.setConfigs(discoveryConfigs(household));
    if (stopped) return false;
    if (httpToken) {
      try {
        const token = await readSecret(HTTP_TOKEN(household.config.http.token_file), { env });
        if (stopped) return false;
        httpToken = token;
      } catch (e) {
        log.error({ err: (e as Error).message }, 'reload: HTTP token unreadable; keeping the old one');
      }
    }
    log.info({ routines: household.config.routines.length, devices: household.devices.length }, 'configuration reloaded');
    return true;
  };

  const hub: Hub = {
    async start() {
      // Configuration, secrets and the store are needed for anything to work: a failure here
      // is fatal (StartError, the CLI exits 2). Only what can recover later (a connection, a
      // unit) is left to retry or reported in /api/status.
      const loaded = await loadForHub(options.configFile, options.devicesDir, log);
      if (stopped) return;
      household = loaded;
      devices = householdEntities(household);
      const { config } = household;
      context = { prefix: config.mqtt.discovery_prefix, baseTopic: config.mqtt.base_topic, version };
      registerHubMetrics(metrics, units, startedAt);

      const [haToken, mqttPassword, httpSecret] = await Promise.all([
        readSecret(HA_TOKEN(config.homeassistant.token_file), { env }),
        readOptionalSecret(MQTT_PASSWORD(config.mqtt.password_file), { env }),
        readSecret(HTTP_TOKEN(config.http.token_file), { env }),
      ]);
      if (stopped) return;
      httpToken = httpSecret;

      const file = options.overrides?.storeFile ?? storePath(config.state_dir, env);
      try {
        store = createStore({ path: file });
      } catch (e) {
        throw new StartError(`the store ${file} (state_dir) could not be opened: ${(e as Error).message}`);
      }
      log.info({ path: store.path, schema: store.schemaVersion }, 'store open');

      await unit('homeassistant', () => {
        ha = createHaClient({
          url: config.homeassistant.url,
          token: () => haToken.value,
          tokenSource: haToken.source,
          logger: log,
          onFatal: (e: HaAuthError) => options.onFatal(e),
          heartbeatMs: options.overrides?.heartbeatMs ?? config.homeassistant.heartbeat_interval * 1000,
          pongTimeoutMs: options.overrides?.pongTimeoutMs ?? config.homeassistant.heartbeat_timeout * 1000,
          WebSocketImpl: options.overrides?.WebSocketImpl,
        });
        ha.onRunning(() => void resolveDevices());
        ha.start();
      });

      await unit('mqtt', () => {
        mqtt = createHubMqtt({
          url: config.mqtt.url,
          username: config.mqtt.username,
          password: mqttPassword?.value,
          availabilityTopic: availabilityTopic(context!),
          logger: log,
          connect: options.overrides?.mqttConnect,
        });
        mqtt.start();
      });

      await unit('discovery', () => {
        if (!mqtt) throw new Error('no MQTT client');
        discovery = createDiscoveryPublisher({
          mqtt,
          context: context!,
          logger: log,
          loadTopics: () => store!.discoveryTopics(),
          saveTopics: (topics) => store!.setDiscoveryTopics(topics, clock.now()),
          // The one place states are republished on a connect (after their configs).
          afterPublish: () => {
            reminders?.publishAll();
            presence?.publishAll();
          },
        });
        discovery.start();
        void discovery.setConfigs(discoveryConfigs(household!));
      });

      await startDomainUnits(household);

      await unit('http', async () => {
        http = createHttpApi({
          host: config.http.host,
          port: options.overrides?.httpPort ?? config.http.port,
          token: () => httpToken!.value,
          logger: log,
          health: () => hub.health(),
          metrics: () => metrics.render(),
          ...hubRoutes({
            units,
            health: () => hub.health(),
            failures,
            haUrl: () => household?.config.homeassistant.url,
            version,
            clock,
            startedAt,
          }),
        });
        await http.start();
        if (stopped) await http.stop(); // stop() ran while it was binding
      });
      log.info({ version, failures: Object.keys(failures) }, 'hearth hub started');
    },

    async stop() {
      // From here on nothing (re)starts: a reload or entity resolution in flight sees `stopped`
      // after its next await and returns; the HA client rejects what waits for RUNNING.
      stopped = true;
      reminders?.stop();
      presence?.stop();
      discovery?.stop();
      await http?.stop().catch(() => {});
      await mqtt?.stop().catch(() => {});
      await ha?.stop().catch(() => {});
      // Let them finish before the store closes under them.
      await reloads;
      await resolving;
      reminders?.stop();
      presence?.stop();
      store?.close();
      log.info('hearth hub stopped');
    },

    reload() {
      // One at a time, in order: the last SIGHUP wins with the newest file, and two reloads
      // never restart the units at once.
      const run = reloads.then(() =>
        reloadNow().catch((e: unknown) => {
          log.error({ err: e instanceof Error ? e.message : String(e) }, 'reload failed; keeping what runs');
          return false;
        }),
      );
      reloads = run.catch(() => false);
      return run;
    },

    health() {
      return {
        ha: ha?.state ?? 'stopped',
        mqtt: mqtt?.state ?? 'stopped',
        store: store ? (store.healthy() ? 'ok' : 'error') : 'stopped',
      };
    },
    get ha() {
      return ha;
    },
    get mqtt() {
      return mqtt;
    },
    get store() {
      return store;
    },
    get http() {
      return http;
    },
    get reminders() {
      return reminders;
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
