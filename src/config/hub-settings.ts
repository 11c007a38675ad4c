import { z } from 'zod';
import { duration } from './duration.js';

/**
 * Where hearth finds Home Assistant, the broker and its own HTTP API. Secrets are
 * never values here: only files (or $CREDENTIALS_DIRECTORY / environment, see secrets.ts).
 */
export const homeassistantSettings = z
  .object({
    url: z.url().default('http://127.0.0.1:8123'),
    /** File holding a long-lived access token. Falls back to $CREDENTIALS_DIRECTORY/ha-token, then $HEARTH_HA_TOKEN. */
    token_file: z.string().optional(),
    /** How often hearth pings HA over the websocket (a half-open connection never closes by itself). */
    heartbeat_interval: duration.default(30).refine((s) => s >= 0.05, 'must be at least 50ms (0.05s)'),
    /** No pong within this long: the connection is dropped and hearth reconnects. */
    heartbeat_timeout: duration.default(10).refine((s) => s >= 0.05, 'must be at least 50ms (0.05s)'),
  })
  .strict();

export const mqttSettings = z
  .object({
    url: z
      .string()
      .regex(/^mqtts?:\/\//, 'must be an mqtt:// or mqtts:// URL')
      // A password in the URL would be logged and, on NixOS, copied into the world-readable store.
      .refine((u) => !/^mqtts?:\/\/[^/]*@/.test(u), 'must not contain credentials: use mqtt.username and mqtt.password_file')
      .default('mqtt://127.0.0.1:1883'),
    username: z.string().optional(),
    /** Falls back to $CREDENTIALS_DIRECTORY/mqtt-password, then $HEARTH_MQTT_PASSWORD. */
    password_file: z.string().optional(),
    discovery_prefix: z.string().default('homeassistant'),
    base_topic: z.string().default('hearth'),
  })
  .strict();

export const httpSettings = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8420),
    /** Bearer token for everything but /healthz. Falls back to $CREDENTIALS_DIRECTORY/http-token, then $HEARTH_HTTP_TOKEN. */
    token_file: z.string().optional(),
  })
  .strict();

export type HomeassistantSettings = z.output<typeof homeassistantSettings>;
export type MqttSettings = z.output<typeof mqttSettings>;
export type HttpSettings = z.output<typeof httpSettings>;
