/** MQTT from tests: a client as the stack's test user, and a recorder of what was published. */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { StackInfo } from '../stack/stack.js';
import { createRecorder } from './recorder.js';

type StackLike = Pick<StackInfo, 'mqtt'>;
export type MqttUserName = keyof StackInfo['mqtt']['users'];

/** A connected client (default: the `test` user). */
export function mqttClient(stack: StackLike, user: MqttUserName = 'test', options: IClientOptions = {}): Promise<MqttClient> {
  const creds = stack.mqtt.users[user];
  return mqtt.connectAsync(stack.mqtt.url, {
    username: creds.username,
    password: creds.password,
    reconnectPeriod: 500,
    connectTimeout: 5_000,
    ...options,
  });
}

export interface MqttMessage {
  topic: string;
  payload: string;
  retain: boolean;
  qos: number;
  at: number;
}

export interface MqttRecorder {
  /** Everything received so far, in order (retained messages first). */
  readonly messages: MqttMessage[];
  /** Messages whose topic matches `topic` (exact) or all when omitted. */
  on(topic?: string): MqttMessage[];
  /** Resolves with the first message (already received or future) that satisfies `predicate`. */
  waitFor(predicate: (m: MqttMessage) => boolean, timeoutMs?: number): Promise<MqttMessage>;
  stop(): Promise<void>;
}

/**
 * Subscribes to `topicFilter` (wildcards allowed) as the test user and records every message
 * (retained ones included): `const rec = await mqttMessages(stack, 'homeassistant/#')`.
 */
export async function mqttMessages(stack: StackLike, topicFilter: string | string[]): Promise<MqttRecorder> {
  const client = await mqttClient(stack);
  const recorder = createRecorder<MqttMessage>();
  const messages = recorder.items;
  client.on('message', (topic, payload, packet) => {
    const message: MqttMessage = { topic, payload: payload.toString('utf8'), retain: packet.retain, qos: packet.qos, at: Date.now() };
    recorder.push(message);
  });
  await client.subscribeAsync(topicFilter, { qos: 1 });
  return {
    messages,
    on: (topic) => (topic === undefined ? [...messages] : messages.filter((m) => m.topic === topic)),
    waitFor: (predicate, timeoutMs = 10_000) =>
      recorder.waitFor(
        predicate,
        timeoutMs,
        () =>
          `no MQTT message matched within ${timeoutMs} ms on ${String(topicFilter)}; got ${messages.length}: ${messages
            .slice(-5)
            .map((m) => m.topic)
            .join(', ')}`,
      ),
    stop: () => client.endAsync(),
  };
}
