/** Board and pin rules: what exists, what boots, what can drive an LED, where there is Bluetooth. */
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/config/issues.js';
import { checkDeviceHardware, pinUsages } from '../../../src/config/pin-checks.js';
import { reminderButtonSpec } from '../../../src/config/kinds/reminder-button.js';
import { button, expectIssue, expectOnlyError, loadFiles, presence } from './helpers.js';

const strip = (board: string, pins: string): string =>
  `kind: led-strip\nname: s\nboard: ${board}\nlight:\n  type: rgbw\n  pins: { ${pins} }\n`;

describe('pins', () => {
  it('a pin used twice in one device names the first use', async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': button('a', { button: 'GPIO25', led: '25' }) });
    const issue = expectOnlyError(loaded, 'devices/a.yaml', 'led.pin', 'GPIO25 is already used by button.pin');
    expect(formatIssue(issue)).toBe('devices/a.yaml: led.pin: GPIO25 is already used by button.pin; each pin can do one job');
  });

  it('a pin used twice across PWM channels', async () => {
    const loaded = await loadFiles({ 'devices/s.yaml': strip('esp01_1m', 'red: 12, green: 14, blue: 13, white: 12') });
    expectOnlyError(loaded, 'devices/s.yaml', 'light.pins.white', 'GPIO12 is already used by light.pins.red');
  });

  it.each([6, 7, 8, 9, 10, 11])('GPIO%i is a flash pin on the ESP32', async (pin) => {
    const loaded = await loadFiles({ 'devices/a.yaml': button('a', { led: `GPIO${pin}` }) });
    expectOnlyError(loaded, 'devices/a.yaml', 'led.pin', `GPIO${pin} is wired to the SPI flash on the ESP32 (GPIO6–11)`, 'booting');
  });

  it('flash pins are errors on the ESP8266 too', async () => {
    const loaded = await loadFiles({ 'devices/s.yaml': strip('esp01_1m', 'red: 12, green: 14, blue: 9, white: 4') });
    expectOnlyError(loaded, 'devices/s.yaml', 'light.pins.blue', 'GPIO9 is wired to the SPI flash on the ESP8266 (GPIO6–11)');
  });

  it('a strapping pin for the button is a warning saying why, and the household still loads', async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': button('a', { button: 'GPIO0' }) });
    expect(loaded.errors).toEqual([]);
    expect(loaded.household).toBeDefined();
    const warning = expectIssue(loaded, 'warning', 'devices/a.yaml', 'button.pin', 'GPIO0 is a strapping pin on the ESP32', 'can stop the board from booting');
    expect(loaded.household!.warnings).toEqual([warning]);
    expect(formatIssue(warning)).toMatch(/^devices\/a\.yaml: button\.pin: warning: GPIO0 is a strapping pin/);
  });

  it('a strapping pin for the LED is fine', async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': button('a', { led: 'GPIO2' }) });
    expect(loaded.issues).toEqual([]);
  });

  it.each(['GPIO34', 'GPIO39'])('input-only %s cannot drive the LED', async (pin) => {
    const loaded = await loadFiles({ 'devices/a.yaml': button('a', { led: pin }) });
    expectOnlyError(loaded, 'devices/a.yaml', 'led.pin', `${pin} is input-only on the ESP32 (GPIO34–39) and cannot drive the LED`);
  });

  it('input-only pins cannot be PWM channels either', async () => {
    const loaded = await loadFiles({ 'devices/s.yaml': strip('esp32dev', 'red: 16, green: 17, blue: 18, white: 35') });
    expectOnlyError(loaded, 'devices/s.yaml', 'light.pins.white', 'GPIO35 is input-only', 'the white PWM channel');
  });

  it('an input-only pin can read a button, but it has no internal pull-up', async () => {
    const pulled = await loadFiles({ 'devices/a.yaml': button('a', { button: 'GPIO36' }) });
    expectOnlyError(pulled, 'devices/a.yaml', 'button.pin', 'GPIO36 is input-only on the ESP32 and has no internal pull-up', 'pullup: false');
    const external = await loadFiles({ 'devices/a.yaml': button('a', { button: 'GPIO36\n  pullup: false' }) });
    expect(external.issues).toEqual([]);
  });

  it.each([
    ['GPIO40', 'GPIO40 does not exist on the ESP32'],
    ['GPIO20', 'GPIO20 does not exist on the ESP32'],
    ['GPIO24', 'GPIO24 does not exist on the ESP32'],
  ])('%s does not exist on the ESP32', async (pin, message) => {
    const loaded = await loadFiles({ 'devices/a.yaml': button('a', { led: pin }) });
    expectOnlyError(loaded, 'devices/a.yaml', 'led.pin', message, 'its pins are GPIO0–19, GPIO21–23, GPIO25–27, GPIO32–39');
  });

  it('GPIO18 does not exist on the ESP8266', async () => {
    const loaded = await loadFiles({ 'devices/s.yaml': strip('d1_mini', 'red: 12, green: 14, blue: 13, white: 18') });
    expectOnlyError(loaded, 'devices/s.yaml', 'light.pins.white', 'GPIO18 does not exist on the ESP8266');
  });

  it('the ESP32-C3 has its own pin map', async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': button('a', { board: 'esp32-c3-devkitm-1' }) });
    expectIssue(loaded, 'error', 'devices/a.yaml', 'button.pin', 'GPIO25 does not exist on the ESP32-C3', 'GPIO0–21');
    const ok = await loadFiles({ 'devices/a.yaml': button('a', { board: 'esp32-c3-devkitm-1', button: 'GPIO4', led: 'GPIO5' }) });
    expect(ok.issues).toEqual([]);
  });

  it('GPIO16 on the ESP8266 has no pull-up', () => {
    const spec = reminderButtonSpec.parse({ kind: 'reminder-button', name: 'a', board: 'd1_mini', routine: 'r', button: { pin: 16 }, led: { pin: 4 } });
    const issues = checkDeviceHardware({ file: 'devices/a.yaml', spec });
    expect(issues.map(formatIssue)).toEqual([
      'devices/a.yaml: button.pin: GPIO16 on the ESP8266 has no internal pull-up (only a pull-down); pick another pin or set pullup: false and fit a resistor',
    ]);
  });

  it('pinUsages lists every pin a spec claims, with its use', () => {
    const spec = reminderButtonSpec.parse({ kind: 'reminder-button', name: 'a', board: 'esp32dev', routine: 'r', button: { pin: 'GPIO25' }, led: { pin: 26 } });
    expect(pinUsages(spec).map(({ path, pin, use }) => ({ path, pin, use }))).toEqual([
      { path: 'button.pin', pin: 25, use: 'input' },
      { path: 'led.pin', pin: 26, use: 'output' },
    ]);
  });
});

describe('radios', () => {
  it('a presence node on an ESP8266 board is an error: no Bluetooth', async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': presence('a', 'kitchen').replace('board: esp32dev', 'board: esp01_1m') });
    expectOnlyError(loaded, 'devices/a.yaml', 'board', 'presence-node scans Bluetooth LE', 'ESP8266, which has no Bluetooth', 'esp32dev');
  });

  it('a presence node on an ESP32-C3 is fine (it has BLE)', async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': presence('a', 'kitchen').replace('board: esp32dev', 'board: esp32-c3-devkitm-1') });
    expect(loaded.issues).toEqual([]);
  });

  it('an LED strip on an ESP8266 is fine', async () => {
    const loaded = await loadFiles({ 'devices/s.yaml': strip('esp01_1m', 'red: GPIO12, green: GPIO14, blue: GPIO13, white: GPIO4') });
    expect(loaded.issues).toEqual([]);
  });
});
