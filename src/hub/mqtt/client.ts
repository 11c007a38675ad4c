/**
 * hearth's MQTT connection: a retained last will `offline` on `<base>/status`, `online`
 * (retained, QoS 1) on every connect, and topic handlers that survive reconnects
 * (re-subscribed on each `connect`, whatever the broker kept of the session).
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../../log.js';
import type { MqttMessage, PublishOptions } from '../../discovery/discovery.js';
import { topicMatches } from './topic-match.js';

export type MqttState = 'connecting' | 'connected' | 'disconnected' | 'stopped';

export interface HubMqttDeps {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  /** `<base>/status`: the will and the online message go here. */
  availabilityTopic: string;
  clientId?: string;
  logger: Logger;
  /** Reconnect delay in ms (mqtt.js retries forever at this period). */
  reconnectPeriod?: number;
  /** Injected for tests; defaults to mqtt.connect. */
  connect?: (url: string, options: IClientOptions) => MqttClient;
}

/** An MqttMessage whose payload may be bytes (discovery.ts's messages are text). */
export type BinaryMqttMessage = Omit<MqttMessage, 'payload'> & { payload: string | Buffer };

export type MessageHandler = (topic: string, payload: Buffer) => void;

export interface HubMqtt {
  start(): void;
  /** Publishes `offline` (retained) and disconnects. */
  stop(): Promise<void>;
  readonly state: MqttState;
  /** A payload may be bytes (the life coach's MQTT `image` entities take raw JPEG). */
  publish(message: MqttMessage | BinaryMqttMessage): Promise<void>;
  publish(topic: string, payload: string | Buffer, options: PublishOptions): Promise<void>;
  /** Subscribes (QoS 1) and returns the unsubscribe function. */
  subscribe(filter: string, handler: MessageHandler): () => void;
  /** Called after every (re)connect, once `online` is sent and subscriptions are renewed. */
  onConnect(listener: () => void): () => void;
  /** Counters for /metrics. */
  readonly stats: { connects: number; published: number; received: number };
}

export function createHubMqtt(deps: HubMqttDeps): HubMqtt {
  const log = deps.logger.child({ unit: 'mqtt' });
  const connect = deps.connect ?? mqtt.connect;
  const handlers = new Map<string, Set<MessageHandler>>();
  const connectListeners = new Set<() => void>();
  const stats = { connects: 0, published: 0, received: 0 };
  let client: MqttClient | undefined;
  let state: MqttState = 'disconnected';
  let lastError: string | undefined;

  const subscribeAll = (c: MqttClient): void => {
    const filters = [...handlers.keys()];
    if (filters.length === 0) return;
    c.subscribe(filters, { qos: 1 }, (err) => {
      if (err) log.warn({ err: err.message, filters }, 'subscribe failed');
    });
  };

  const publishRaw = (topic: string, payload: string | Buffer, options: PublishOptions): Promise<void> =>
    new Promise((resolve, reject) => {
      if (!client || state === 'stopped') return reject(new Error(client ? 'MQTT client stopped' : 'MQTT client not started'));
      client.publish(topic, payload, options, (err) => {
        if (err) return reject(err);
        stats.published++;
        resolve();
      });
    });

  const api: HubMqtt = {
    start() {
      if (client) return;
      state = 'connecting';
      const options: IClientOptions = {
        clientId: deps.clientId ?? `hearth-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
        username: deps.username,
        password: deps.password,
        clean: true,
        reconnectPeriod: deps.reconnectPeriod ?? 2000,
        connectTimeout: 10_000,
        resubscribe: false, // we renew every handler's subscription on connect ourselves
        will: { topic: deps.availabilityTopic, payload: Buffer.from('offline'), qos: 1, retain: true },
        // mqtt-packet's number cache is 65,536 two-byte Buffers made on the first write: ~6.5 MB
        // of heap for the whole life of the process, to save an allocation per packet (hearth
        // sends a handful a minute).
        writeCache: false,
      };
      const c = connect(deps.url, options);
      client = c;
      c.on('connect', () => {
        if (state === 'stopped') return; // stop() is closing this client: no `online` now
        state = 'connected';
        stats.connects++;
        lastError = undefined;
        log.info({ url: deps.url, connects: stats.connects }, 'MQTT connected');
        c.publish(deps.availabilityTopic, 'online', { qos: 1, retain: true });
        subscribeAll(c);
        for (const l of connectListeners) {
          try {
            l();
          } catch (e) {
            log.error({ err: (e as Error).message }, 'MQTT connect listener failed');
          }
        }
      });
      c.on('message', (topic, payload) => {
        stats.received++;
        for (const [filter, set] of handlers) {
          if (!topicMatches(filter, topic)) continue;
          for (const h of set) {
            try {
              h(topic, payload);
            } catch (e) {
              log.error({ err: (e as Error).message, topic }, 'MQTT handler failed');
            }
          }
        }
      });
      c.on('reconnect', () => {
        state = 'connecting';
      });
      c.on('close', () => {
        if (state === 'connected') log.warn('MQTT connection closed; reconnecting');
        if (state !== 'stopped') state = 'connecting';
      });
      c.on('offline', () => {
        if (state !== 'stopped') state = 'disconnected';
      });
      c.on('error', (err) => {
        // Not-authorized is a configuration error: say so loudly, but keep retrying (a
        // broker's ACL can be fixed while hearth runs; HA keeps working meanwhile).
        if (err.message !== lastError) log.error({ err: err.message }, 'MQTT error');
        lastError = err.message;
      });
    },
    async stop() {
      const c = client;
      if (!c) return;
      state = 'stopped';
      if (c.connected) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 2000);
          c.publish(deps.availabilityTopic, 'offline', { qos: 1, retain: true }, () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          c.end(true);
          resolve();
        }, 2000);
        c.end(false, {}, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      client = undefined;
    },
    get state() {
      return state;
    },
    publish(messageOrTopic: MqttMessage | BinaryMqttMessage | string, payload?: string | Buffer, options?: PublishOptions) {
      if (typeof messageOrTopic === 'string') return publishRaw(messageOrTopic, payload ?? '', options!);
      return publishRaw(messageOrTopic.topic, messageOrTopic.payload, messageOrTopic.options);
    },
    subscribe(filter, handler) {
      let set = handlers.get(filter);
      const isNew = !set;
      if (!set) handlers.set(filter, (set = new Set()));
      set.add(handler);
      if (isNew && client?.connected) {
        client.subscribe(filter, { qos: 1 }, (err) => {
          if (err) log.warn({ err: err.message, filter }, 'subscribe failed');
        });
      }
      return () => {
        const s = handlers.get(filter);
        if (!s) return;
        s.delete(handler);
        if (s.size === 0) {
          handlers.delete(filter);
          if (client?.connected) client.unsubscribe(filter);
        }
      };
    },
    onConnect(listener) {
      connectListeners.add(listener);
      return () => connectListeners.delete(listener);
    },
    stats,
  };
  return api;
}
