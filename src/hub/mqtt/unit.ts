/**
 * The broker connection and HA's MQTT discovery as hub units. The client (client.ts) is made
 * and started on `start`; `stop` publishes `offline` and disconnects. Discovery
 * (discovery-publisher.ts) publishes the household's configs on each connect and on HA's
 * `online`, then calls `afterPublish` (the units publish their states again).
 */
import type { MqttSettings } from '../../config/hub-settings.js';
import type { Secret } from '../../config/secret-files.js';
import type { Logger } from '../../log.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import type { HubUnit } from '../unit.js';
import { createHubMqtt, type HubMqtt, type HubMqttDeps } from './client.js';
import { createDiscoveryPublisher, type DiscoveryPublisher } from './discovery-publisher.js';
import { availabilityTopic, type DiscoveryContext, type MqttMessage } from '../../discovery/discovery.js';

export interface MqttUnit extends HubUnit {
  readonly client: HubMqtt | undefined;
}

export function createMqttUnit(deps: {
  settings: MqttSettings;
  password: Secret | undefined;
  context: DiscoveryContext;
  logger: Logger;
  connect?: HubMqttDeps['connect'];
}): MqttUnit {
  let client: HubMqtt | undefined;
  return {
    name: 'mqtt',
    get client() {
      return client;
    },
    start() {
      client = createHubMqtt({
        url: deps.settings.url,
        username: deps.settings.username,
        password: deps.password?.value,
        availabilityTopic: availabilityTopic(deps.context),
        logger: deps.logger,
        connect: deps.connect,
      });
      client.start();
    },
    async stop() {
      await client?.stop();
    },
  };
}

export interface DiscoveryUnit extends HubUnit {
  /** Replaces the wanted configs (start, reload) and publishes them. */
  setConfigs(configs: MqttMessage[]): Promise<void>;
}

export function createDiscoveryUnit(deps: {
  mqtt: HubMqtt | undefined;
  context: DiscoveryContext;
  store: Store;
  clock: Clock;
  logger: Logger;
  configs: () => MqttMessage[];
  /** The configs were (re)published: the units publish their states (after their configs). */
  afterPublish: () => void;
}): DiscoveryUnit {
  let publisher: DiscoveryPublisher | undefined;
  return {
    name: 'discovery',
    start() {
      if (!deps.mqtt) throw new Error('no MQTT client');
      publisher = createDiscoveryPublisher({
        mqtt: deps.mqtt,
        context: deps.context,
        logger: deps.logger,
        loadTopics: () => deps.store.discoveryTopics(),
        saveTopics: (topics) => deps.store.setDiscoveryTopics(topics, deps.clock.now()),
        afterPublish: deps.afterPublish,
      });
      publisher.start();
      void publisher.setConfigs(deps.configs());
    },
    stop() {
      publisher?.stop();
    },
    async setConfigs(configs) {
      await publisher?.setConfigs(configs);
    },
  };
}
