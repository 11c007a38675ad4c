/** The parts of mqtt.js's MqttClient hearth uses, recording every call (inject as `connect`). */
import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';

export type Callback = (err?: Error) => void;

export class FakeMqttClient extends EventEmitter {
  connected = false;
  readonly publishes: Array<{ topic: string; payload: string; options: unknown }> = [];
  readonly subscribes: Array<{ filters: string | string[]; options: unknown }> = [];
  readonly unsubscribes: string[] = [];
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
  unsubscribe(filter: string): this {
    this.unsubscribes.push(filter);
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
  /** The connection to the broker went away. */
  brokerDrop(): void {
    this.connected = false;
    this.emit('close');
    this.emit('offline');
  }
  /** A `connect` for createHubMqtt that hands out this client. */
  get connect(): () => MqttClient {
    return () => this as unknown as MqttClient;
  }
}
