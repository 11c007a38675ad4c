import type { DeviceSpec } from '../config/kinds/index.js';
import type { EmitContext } from './context.js';
import { secret, type ConfigObject } from './values.js';
import { deviceSecretNames } from '../config/secret-names.js';

/**
 * The sections every device has, from the fleet defaults in hearth.yaml `esphome:`:
 * esphome, esp32/esp8266, logger, api (encrypted), ota (platform list), wifi (+ fallback
 * hotspot and captive portal). A kind's emitter may replace a section (e.g. `logger`).
 */
/**
 * UART0, where ESPHome's logger writes by default, is GPIO1 (TX) / GPIO3 (RX) on the ESP8266
 * and the classic ESP32 (the C3 and S3 log over USB by default). A device that uses one of those
 * pins for its own job (an ESP-01's button on GPIO3, a WS2812 data line on GPIO3) gets
 * `logger: baud_rate: 0`: logs still reach HA over the API, the pin is left alone.
 */
const UART0_PINS = new Set([1, 3]);
const usesUart0 = (ctx: EmitContext, pins: readonly number[]): boolean =>
  (ctx.chip === 'esp8266' || ctx.variant === 'esp32') && pins.some((p) => UART0_PINS.has(p));

export function baseConfig(spec: DeviceSpec, ctx: EmitContext, pins: readonly number[] = []): ConfigObject {
  const defaults = ctx.household.config.esphome;
  const secrets = deviceSecretNames(defaults, spec.name);
  const platform: ConfigObject =
    ctx.chip === 'esp32' ? { esp32: { board: ctx.board, framework: { type: 'esp-idf' } } } : { esp8266: { board: ctx.board } };
  return {
    esphome: {
      name: spec.name,
      friendly_name: ctx.friendlyName,
      area: spec.area,
      comment: spec.comment,
      min_version: defaults.min_version,
    },
    ...platform,
    logger: usesUart0(ctx, pins) ? { baud_rate: 0 } : null,
    api: { encryption: { key: secret(secrets.apiKey) } },
    ota: [{ platform: 'esphome', password: secret(secrets.otaPassword) }],
    wifi: {
      ssid: secret(defaults.wifi_ssid_secret),
      password: secret(defaults.wifi_password_secret),
      use_address: defaults.domain ? `${spec.name}${defaults.domain}` : undefined,
      ap: defaults.fallback_ap ? { password: secret(defaults.fallback_ap_password_secret) } : undefined,
    },
    captive_portal: defaults.fallback_ap ? null : undefined,
  };
}
