/** The parts of mqtt.js's MqttClient hearth uses, recording every call (inject as `connect`). */
import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';

type Callback = (err?: Error) => void;

export class FakeMqttClient extends EventEmitter {
  connected = false;
  readonly publishes: Array<{ topic: string; payload: string; options: unknown }> = [];
  readonly subscribes: Array<{ filters: string | string[]; options: unknown }> = [];
  ended = false;

  publish(topic: string, payload: string, options: unknown, cb?: Callback): this {
    this.publishes.push({ topic, payload: String(payload), options });
    cb?.();
    return this;
  }
  subscribe(filters: string | string[], options: unknown, cb?: Callback): this {
    this.subscribes.push({ filters, options });
    cb?.();
    return this;
  }
  unsubscribe(): this {
    return this;
  }
  end(_force?: boolean, _opts?: unknown, cb?: () => void): this {
    this.ended = true;
    this.connected = false;
    cb?.();
    return this;
  }
  /** The broker accepted the connection. */
  brokerConnect(): void {
    this.connected = true;
    this.emit('connect');
  }
  /** A `connect` for createHubMqtt that hands out this client. */
  get connect(): () => MqttClient {
    return () => this as unknown as MqttClient;
  }
}
