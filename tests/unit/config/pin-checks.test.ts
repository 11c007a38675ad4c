/** Board and pin rules: what exists, what boots, what can drive an LED, where there is Bluetooth. */
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/config/issues.js';
import { checkDeviceHardware } from '../../../src/config/pin-checks.js';
import { reminderButtonSpec } from '../../../src/config/kinds/reminder-button.js';
import { BOARDS, pinFacts } from '../../../src/config/boards.js';
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

  it.each([6, 7, 8, 11])('GPIO%i is a flash pin on every ESP32 module (ESPHome refuses it)', async (pin) => {
    const loaded = await loadFiles({ 'devices/a.yaml': button('a', { led: `GPIO${pin}` }) });
    expectOnlyError(
      loaded,
      'devices/a.yaml',
      'led.pin',
      `GPIO${pin} is wired to the flash on the esp32dev (ESP32-WROOM-32`,
      'ESPHome refuses it',
    );
  });

  it.each([9, 10])('GPIO%i on a WROOM module is a warning, as in ESPHome (quad-IO flash)', async (pin) => {
    const loaded = await loadFiles({ 'devices/a.yaml': button('a', { led: `GPIO${pin}` }) });
    expect(loaded.errors).toEqual([]);
    expectIssue(loaded, 'warning', 'devices/a.yaml', 'led.pin', `GPIO${pin} may be taken by the flash on the esp32dev`, 'ESPHome warns');
  });

  it('the M5Stack Atom (ESP32-PICO-D4) wires its flash to GPIO16/17 and frees GPIO9/10', async () => {
    const flash = await loadFiles({
      'devices/a.yaml': button('a', { board: 'm5stack-atom', button: 'GPIO39\n  pullup: false', led: 'GPIO17' }),
    });
    expectOnlyError(flash, 'devices/a.yaml', 'led.pin', 'GPIO17 is wired to the flash on the m5stack-atom (ESP32-PICO-D4');
    const free = await loadFiles({ 'devices/a.yaml': button('a', { board: 'm5stack-atom', button: 'GPIO9', led: 'GPIO10' }) });
    expect(free.issues).toEqual([]);
  });

  it('flash pins are errors on the ESP8266 too; GPIO9/10 warn on an ESP-12 module and are free on an ESP8285', async () => {
    const flash = await loadFiles({ 'devices/s.yaml': strip('esp01_1m', 'red: 12, green: 14, blue: 7, white: 4') });
    expectOnlyError(flash, 'devices/s.yaml', 'light.pins.blue', 'GPIO7 is wired to the flash on the esp01_1m (ESP-01: flash data 0)');
    const quad = await loadFiles({ 'devices/s.yaml': strip('d1_mini', 'red: 12, green: 14, blue: 9, white: 4') });
    expect(quad.errors).toEqual([]);
    expectIssue(quad, 'warning', 'devices/s.yaml', 'light.pins.blue', 'GPIO9 may be taken by the flash on the d1_mini (ESP-12F');
    const esp8285 = await loadFiles({ 'devices/s.yaml': strip('esp8285', 'red: 12, green: 14, blue: 9, white: 10') });
    expect(esp8285.issues).toEqual([]);
  });

  it('a strapping pin for the button is a warning saying why, and the household still loads', async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': button('a', { button: 'GPIO0' }) });
    expect(loaded.errors).toEqual([]);
    expect(loaded.household).toBeDefined();
    const warning = expectIssue(
      loaded,
      'warning',
      'devices/a.yaml',
      'button.pin',
      'GPIO0 is a strapping pin on the ESP32',
      'can stop the board from booting',
    );
    expect(loaded.household!.warnings).toEqual([warning]);
    expect(formatIssue(warning)).toMatch(/^devices\/a\.yaml: button\.pin: warning: GPIO0 is a strapping pin/);
  });

  it("a strapping pin for an ESP32's LED is a warning as in ESPHome (about the boot level); on an ESP8266 it is not", async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': button('a', { led: 'GPIO2' }) });
    expect(loaded.errors).toEqual([]);
    expectIssue(loaded, 'warning', 'devices/a.yaml', 'led.pin', 'GPIO2 is a strapping pin on the ESP32', 'ESPHome warns too');
    const esp8266 = await loadFiles({ 'devices/a.yaml': button('a', { board: 'd1_mini', button: 'GPIO4', led: 'GPIO2' }) });
    expect(esp8266.issues).toEqual([]);
  });

  it.each(['GPIO34', 'GPIO39'])('input-only %s cannot drive the LED', async (pin) => {
    const loaded = await loadFiles({ 'devices/a.yaml': button('a', { led: pin }) });
    expectOnlyError(loaded, 'devices/a.yaml', 'led.pin', `${pin} is input-only on the ESP32 and cannot drive the LED (a PWM output)`);
  });

  it('input-only pins cannot be PWM channels either', async () => {
    const loaded = await loadFiles({ 'devices/s.yaml': strip('esp32dev', 'red: 16, green: 17, blue: 18, white: 35') });
    expectOnlyError(loaded, 'devices/s.yaml', 'light.pins.white', 'GPIO35 is input-only', 'the white PWM channel');
  });

  it('an input-only pin can read a button, but it has no internal pull-up', async () => {
    const pulled = await loadFiles({ 'devices/a.yaml': button('a', { button: 'GPIO36' }) });
    expectOnlyError(pulled, 'devices/a.yaml', 'button.pin', 'GPIO36 has no internal pull-up on the ESP32', 'pullup: false');
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
    const spec = reminderButtonSpec.parse({
      kind: 'reminder-button',
      name: 'a',
      board: 'd1_mini',
      routine: 'r',
      button: { pin: 16 },
      led: { pin: 4 },
    });
    const issues = checkDeviceHardware({ file: 'devices/a.yaml', spec });
    expect(issues.map(formatIssue)).toEqual([
      'devices/a.yaml: button.pin: GPIO16 on the ESP8266 has only a pull-down; set pullup: false and fit an external pull-up resistor, or pick another pin',
    ]);
  });

  it('GPIO17 (A0) of an ESP8266 is analog-only: never a button, LED or PWM channel', async () => {
    const buttonA0 = await loadFiles({ 'devices/a.yaml': button('a', { board: 'd1_mini', button: '17\n  pullup: false', led: 'GPIO4' }) });
    expectOnlyError(
      buttonA0,
      'devices/a.yaml',
      'button.pin',
      'GPIO17 (A0/TOUT) is analog-only on the ESP8266 and cannot be a digital input',
    );
    const ledA0 = await loadFiles({ 'devices/a.yaml': button('a', { board: 'd1_mini', button: 'GPIO5', led: 'GPIO17' }) });
    expectOnlyError(ledA0, 'devices/a.yaml', 'led.pin', 'GPIO17 (A0/TOUT) is analog-only', 'a PWM output');
  });

  it("each platform's own pin rule: esp8266_pwm and neopixelbus on the ESP8266", async () => {
    // GPIO16 is a fine digital output, but neopixelbus bit-bang only drives GPIO0–15.
    const ws = `kind: led-strip\nname: w\nboard: d1_mini\nlight: { type: ws2812, pin: GPIO16, num_leds: 30 }\n`;
    const strip16 = await loadFiles({ 'devices/w.yaml': ws });
    expectOnlyError(strip16, 'devices/w.yaml', 'light.pin', 'GPIO16 cannot be an addressable-LED data line', 'neopixelbus', 'GPIO0–15');
    const esp32 = await loadFiles({ 'devices/w.yaml': ws.replace('d1_mini', 'esp32dev') });
    expect(esp32.issues).toEqual([]);
    // esp8266_pwm takes GPIO16 (its list: 0–5, 9, 10, 12–16).
    const pwm16 = await loadFiles({ 'devices/s.yaml': strip('d1_mini', 'red: 12, green: 14, blue: 13, white: 16') });
    expect(pwm16.issues).toEqual([]);
  });

  it('the ESP32-C3 USB-JTAG pins warn, as in ESPHome', async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': button('a', { board: 'esp32-c3-devkitm-1', button: 'GPIO4', led: 'GPIO18' }) });
    expect(loaded.errors).toEqual([]);
    expectIssue(loaded, 'warning', 'devices/a.yaml', 'led.pin', 'USB-Serial-JTAG');
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

describe('pinFacts: what one GPIO of one board can do', () => {
  it('follows the chip family, then the module', () => {
    expect(pinFacts(BOARDS.d1_mini!, 17)).toMatchObject({ exists: true, analogOnly: true, digitalIn: false, digitalOut: false });
    expect(pinFacts(BOARDS.d1_mini!, 16)).toMatchObject({ digitalIn: true, digitalOut: true, pullup: false });
    expect(pinFacts(BOARDS.d1_mini!, 9).flash).toEqual({ severity: 'warning', function: 'flash HOLD (quad IO)' });
    expect(pinFacts(BOARDS.esp8285!, 9).flash).toBeUndefined();
    expect(pinFacts(BOARDS.esp8285!, 6).flash).toEqual({ severity: 'error', function: 'flash clock' });
    expect(pinFacts(BOARDS.esp32dev!, 35)).toMatchObject({ digitalIn: true, digitalOut: false, pullup: false });
    expect(pinFacts(BOARDS['m5stack-atom']!, 16).flash?.severity).toBe('error');
    expect(pinFacts(BOARDS['m5stack-atom']!, 10).flash).toBeUndefined();
    expect(pinFacts(BOARDS['esp32-c3-devkitm-1']!, 19)).toMatchObject({ usbJtag: true, digitalOut: true });
    expect(pinFacts(BOARDS['esp32-s3-devkitc-1']!, 23).exists).toBe(false);
    expect(pinFacts(BOARDS.esp32dev!, 12).strapping).toBe(true);
  });
});
