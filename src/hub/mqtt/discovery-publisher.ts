/**
 * Keeps HA's view of hearth's entities in step with the household: publishes every
 * discovery config (retained, QoS 1) on connect, again whenever HA announces
 * `<prefix>/status` = `online`, and clears configs published earlier for entities that no
 * longer exist (empty retained payload), with the retained state/attributes topics they named.
 * The topics published are kept in the store, so clearing also works across restarts.
 *
 * Runs never overlap: connect, HA `online`, setConfigs and republish all go through one chain,
 * and while a run is in flight further requests coalesce into a single rerun (which publishes
 * the configs wanted by then). An older run can thus neither republish a config a newer one
 * cleared nor save its topic list over the newer one's.
 */
import type { Logger } from '../../log.js';
import type { HubMqtt } from './client.js';
import { haStatusTopic, ownedTopics, staleConfigClears, type DiscoveryContext, type MqttMessage } from '../../discovery/discovery.js';

export interface DiscoveryPublisherDeps {
  mqtt: HubMqtt;
  context: DiscoveryContext;
  logger: Logger;
  /** Topics published before (from the store): configs and the state topics they name. */
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
  /** Until setConfigs, the wanted set is unknown: publishing then would clear every entity. */
  let configured = false;
  let stopped = true;
  const unsubs: Array<() => void> = [];
  const timers = new Set<NodeJS.Timeout>();

  const publishOnce = async (): Promise<void> => {
    if (stopped || !configured || deps.mqtt.state !== 'connected') return;
    const wanted = configs;
    const clears = staleConfigClears(deps.loadTopics(), wanted);
    await Promise.all([...clears, ...wanted].map((m) => deps.mqtt.publish(m)));
    if (stopped) return;
    deps.saveTopics(ownedTopics(wanted));
    log.info({ configs: wanted.length, cleared: clears.length }, 'discovery configs published');
    deps.afterPublish?.();
  };

  /** The run in flight (or queued behind it), and the rerun requests coalesce into. */
  let tail: Promise<void> = Promise.resolve();
  let pending: Promise<void> | undefined;
  const publishAll = (): Promise<void> => {
    if (pending) return pending;
    const next = tail.then(() => {
      pending = undefined;
      return publishOnce();
    });
    pending = next;
    tail = next.catch(() => {});
    return next;
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
          const t = setTimeout(
            () => {
              timers.delete(t);
              run();
            },
            deps.republishDelay ?? 1000 + Math.random() * 1000,
          );
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
      configured = true;
      await publishAll();
    },
    republish: publishAll,
  };
}
