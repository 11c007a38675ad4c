/**
 * Keeps HA's view of hearth's entities in step with the household: publishes every
 * discovery config (retained, QoS 1) on connect, again whenever HA announces
 * `<prefix>/status` = `online`, and clears configs published earlier for entities that no
 * longer exist (empty retained payload). The topics published are kept in the store, so
 * clearing also works across restarts.
 */
import type { Logger } from '../../log.js';
import type { HubMqtt } from './client.js';
import { haStatusTopic, staleConfigClears, type DiscoveryContext, type MqttMessage } from './discovery.js';

export interface DiscoveryPublisherDeps {
  mqtt: HubMqtt;
  context: DiscoveryContext;
  logger: Logger;
  /** Topics published before (from the store). */
  loadTopics: () => string[];
  saveTopics: (topics: string[]) => void;
  /** Called after configs were (re)published: a chance to republish states too. */
  afterPublish?: () => void;
  /** Delay before republishing on HA `online`, so HA's MQTT integration is subscribed (ms). */
  republishDelay?: number;
}

export interface DiscoveryPublisher {
  start(): void;
  stop(): void;
  /** Replaces the wanted configs (startup, reload) and publishes them. */
  setConfigs(configs: MqttMessage[]): Promise<void>;
  /** Publishes everything again. */
  republish(): Promise<void>;
}

export function createDiscoveryPublisher(deps: DiscoveryPublisherDeps): DiscoveryPublisher {
  const log = deps.logger.child({ unit: 'discovery' });
  let configs: MqttMessage[] = [];
  let stopped = true;
  const unsubs: Array<() => void> = [];
  const timers = new Set<NodeJS.Timeout>();

  const publishAll = async (): Promise<void> => {
    if (stopped || deps.mqtt.state !== 'connected') return;
    const clears = staleConfigClears(deps.loadTopics(), configs);
    await Promise.all([...clears, ...configs].map((m) => deps.mqtt.publish(m)));
    if (stopped) return;
    deps.saveTopics(configs.map((m) => m.topic));
    log.info({ configs: configs.length, cleared: clears.length }, 'discovery configs published');
    deps.afterPublish?.();
  };

  const run = (): void => {
    publishAll().catch((e: Error) => log.warn({ err: e.message }, 'publishing discovery configs failed'));
  };

  return {
    start() {
      stopped = false;
      unsubs.push(deps.mqtt.onConnect(run));
      unsubs.push(
        deps.mqtt.subscribe(haStatusTopic(deps.context), (_topic, payload) => {
          if (payload.toString() !== 'online') return;
          log.info('Home Assistant announced online: republishing discovery');
          const t = setTimeout(() => {
            timers.delete(t);
            run();
          }, deps.republishDelay ?? 1000 + Math.random() * 1000);
          timers.add(t);
        }),
      );
      run();
    },
    stop() {
      stopped = true;
      for (const u of unsubs.splice(0)) u();
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
    async setConfigs(next) {
      configs = next;
      await publishAll();
    },
    republish: publishAll,
  };
}
