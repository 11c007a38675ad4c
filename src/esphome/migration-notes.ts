/**
 * The first-flash steps written into a generated file's header, chosen by where the device's
 * firmware came from (`migrated_from:`) and its chip. A device that never ran other firmware
 * gets none: it is flashed like any fresh ESPHome device.
 *
 * Sources: Tasmota's documentation (SetOption78 "disable the OTA compatibility check": current
 * Tasmota refuses an image that is not Tasmota with "Upload Failed: Not compatible"; gzipped
 * uploads since 8.2; tasmota-minimal to make room on 1 MB flash) and ESPHome's migration guide
 * ("Migrating from Tasmota": upload the ESPHome .bin through Tasmota's firmware upgrade page).
 * Tasmota32 runs from a safeboot partition layout that ESPHome's ESP32 images do not share,
 * so the first ESP32 flash goes over serial.
 */
import type { Chip } from '../config/boards.js';

/** `Tasmota`, `tasmota 14.2`, `Tasmota (sonoff)` all name Tasmota. */
export const isTasmota = (from: string | undefined): boolean => from !== undefined && /\btasmota/i.test(from);

const TASMOTA_ESP8266 = [
  'Tasmota -> ESPHome migration (over the air, no serial adapter needed):',
  '  1. In the Tasmota web UI open Tools -> Console and run `SetOption78 1`, then `Restart 1`.',
  '     Current Tasmota refuses a non-Tasmota image without it ("Upload Failed: Not compatible").',
  '  2. esphome compile this file; gzip the .bin (gzip -9 firmware.bin): Tasmota 8.2+',
  '     accepts firmware.bin.gz, which also fits where the plain image does not.',
  '  3. If Tasmota reports "not enough space" (1 MB flash), first upload tasmota-minimal.bin.gz,',
  '     then the ESPHome image from the minimal firmware (SetOption78 carries over).',
  '  4. Tools -> Firmware Upgrade -> Upgrade by file upload -> the .bin.gz.',
  '  5. Power-cycle the controller after flashing (a soft reboot can leave the ESP8266',
  '     in a bad boot state); then it joins Wi-Fi (or opens its fallback hotspot).',
  '  6. Later updates: esphome run / OTA as for every other device.',
];

const TASMOTA_ESP32 = [
  'Tasmota32 -> ESPHome migration (serial, once):',
  '  Tasmota32 boots from its own safeboot partition layout, which ESPHome images do not use,',
  "  so an upload through Tasmota's web UI does not give a working ESPHome device.",
  '  1. Connect a USB-serial adapter (3.3 V), hold GPIO0/BOOT low while powering up.',
  "  2. esphome run this file --device /dev/ttyUSB0 (it writes ESPHome's own partition table).",
  '  3. Later updates: esphome run / OTA as for every other device.',
];

/** Header lines for a device that came with other firmware; none when `from` is absent. */
export function migrationNotes(from: string | undefined, chip: Chip): string[] {
  if (from === undefined) return [];
  if (isTasmota(from)) return [`Came with: ${from}.`, ...(chip === 'esp8266' ? TASMOTA_ESP8266 : TASMOTA_ESP32)];
  return [
    `Came with: ${from}.`,
    'First flash: over serial (USB-serial adapter at 3.3 V, GPIO0 held low at power-up),',
    'esphome run this file --device /dev/ttyUSB0; later updates over the air.',
  ];
}
