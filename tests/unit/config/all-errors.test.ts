/**
 * Every error of a file in one run: a missing or bad key must not hide the file's other errors
 * (the stages after the schema — pins against the board, ESPHome's string rules, the rules
 * across an object's fields — still run on what parsed). Each case below showed only its first
 * error before.
 */
import { describe, expect, it } from 'vitest';
import { BASE_CONFIG, button, expectIssue, loadFiles, presence } from './helpers.js';

describe('device specs: every error of the file at once', () => {
  it('a button without its led still has its button pin checked against the board', async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': button('a', { button: 'GPIO6' }).replace(/led:\n {2}pin: GPIO26\n/, '') });
    expectIssue(loaded, 'error', 'devices/a.yaml', 'led', 'is required');
    expectIssue(loaded, 'error', 'devices/a.yaml', 'button.pin', 'GPIO6 is wired to the flash');
    expect(loaded.errors).toHaveLength(2);
  });

  it('a strip missing a channel still has its other channels checked against the board', async () => {
    const loaded = await loadFiles({
      'devices/s.yaml':
        'kind: led-strip\nname: s\nboard: esp32dev\nlight:\n  type: rgb\n  pins: { red: GPIO7, green: GPIO25 }\n  frequency: 1\n',
    });
    expectIssue(loaded, 'error', 'devices/s.yaml', 'light.pins.blue', 'is required');
    expectIssue(loaded, 'error', 'devices/s.yaml', 'light.frequency');
    expectIssue(loaded, 'error', 'devices/s.yaml', 'light.pins.red', 'GPIO7 is wired to the flash');
    expect(loaded.errors).toHaveLength(3);
  });

  it('a presence node without its room is still refused an ESP8266 board, and its friendly_name still checked', async () => {
    const loaded = await loadFiles({
      'devices/n.yaml':
        presence('n', 'kitchen').replace('room: kitchen\n', '').replace('board: esp32dev', 'board: d1_mini') + 'area: Hall/Stairs\n',
    });
    expectIssue(loaded, 'error', 'devices/n.yaml', 'room', 'is required');
    expectIssue(loaded, 'error', 'devices/n.yaml', 'board', 'no Bluetooth');
    expectIssue(loaded, 'warning', 'devices/n.yaml', 'area', 'contains "/"');
    expect(loaded.errors).toHaveLength(2);
  });

  it('a spec without a kind still has its common fields checked (name, board)', async () => {
    const loaded = await loadFiles({ 'devices/b.yaml': 'name: Bad_Name\nboard: esp32devv\n' });
    expectIssue(loaded, 'error', 'devices/b.yaml', 'kind', 'is required');
    expectIssue(loaded, 'error', 'devices/b.yaml', 'name', 'is not a valid ESPHome name');
    expectIssue(loaded, 'error', 'devices/b.yaml', 'board', 'did you mean "esp32dev"');
    expect(loaded.errors).toHaveLength(3);
  });

  it('an unknown kind too', async () => {
    const loaded = await loadFiles({ 'devices/b.yaml': 'kind: lamp\nname: b\nboard: esp33\n' });
    expectIssue(loaded, 'error', 'devices/b.yaml', 'kind', 'unknown kind "lamp"');
    expectIssue(loaded, 'error', 'devices/b.yaml', 'board', 'unknown board "esp33"');
    expect(loaded.errors).toHaveLength(2);
  });

  it('a field the schema flagged is not flagged again by the later checks', async () => {
    // GPIO6 twice: the led's pin is refused by the schema (a string), the button's by the board.
    const loaded = await loadFiles({
      'devices/a.yaml': button('a', { button: 'GPIO6', led: 'D4' }).replace('routine: kitchen-meds\n', ''),
    });
    expectIssue(loaded, 'error', 'devices/a.yaml', 'routine', 'is required');
    expectIssue(loaded, 'error', 'devices/a.yaml', 'led.pin', 'is not a GPIO pin');
    expectIssue(loaded, 'error', 'devices/a.yaml', 'button.pin', 'GPIO6 is wired to the flash');
    expect(loaded.errors).toHaveLength(3);
  });
});

describe('across files: a broken file does not hide the collisions between sound ones', () => {
  it('two devices with the same HA entity ids are reported beside a third file with a missing key', async () => {
    const named = (name: string, friendly: string) => button(name).replace(`name: ${name}`, `name: ${name}\nfriendly_name: "${friendly}"`);
    const loaded = await loadFiles({
      'devices/a.yaml': named('a', 'Hall button'),
      'devices/b.yaml': named('b', 'Hall-button'),
      'devices/c.yaml': button('c').replace('routine: kitchen-meds\n', ''),
    });
    expectIssue(loaded, 'error', 'devices/c.yaml', 'routine', 'is required');
    expectIssue(loaded, 'error', 'devices/b.yaml', 'friendly_name', 'gives the same HA entity id as devices/a.yaml');
    expect(loaded.errors).toHaveLength(2);
  });

  it('a warning on a field does not hide an error on it; a device with an error of its own is not reported again as a collision', async () => {
    // b.yaml's name "a" differs from its file name (a warning at name) and is a's (an error at name).
    const loaded = await loadFiles({ 'devices/a.yaml': button('a'), 'devices/b.yaml': button('a') });
    expect(loaded.errors.map((i) => `${i.file}: ${i.path}: ${i.message}`)).toEqual([
      'devices/b.yaml: name: device name "a" is already used by devices/a.yaml; each device needs its own name',
    ]);
    expectIssue(loaded, 'warning', 'devices/b.yaml', 'name', 'differs from the file name');
  });
});

describe('hearth.yaml: a missing key does not hide the rules across its object', () => {
  const config = (extra: string) => ({ 'hearth.yaml': BASE_CONFIG + extra });

  it('a tracker without its person still needs its key', async () => {
    const tracker = await loadFiles({
      'hearth.yaml': BASE_CONFIG.replace('trackers:\n', 'trackers:\n  - id: sam-tag\n    type: mac\n'),
    });
    expectIssue(tracker, 'error', 'hearth.yaml', 'trackers[0].person', 'is required');
    expectIssue(tracker, 'error', 'hearth.yaml', 'trackers[0].mac', 'is required');
  });

  it('a camera without its name still needs one source; check-ins, Ollama and placement rules hold beside a bad key', async () => {
    const loaded = await loadFiles(
      config(`cameras:
  - { device: /dev/video0, url: "http://127.0.0.1:1/x.jpg" }
checkins: { daily: ["08:00"], cron: "0 8 * * *", recent: many }
ollama: { deadline: 10, first_token_timeout: 20, num_ctx: big }
lifecoach: { placement: remote, enabled: maybe }
`),
    );
    expectIssue(loaded, 'error', 'hearth.yaml', 'cameras[0].name', 'is required');
    expectIssue(loaded, 'error', 'hearth.yaml', 'cameras[0]', 'has device and url: give exactly one source');
    expectIssue(loaded, 'error', 'hearth.yaml', 'checkins.recent');
    expectIssue(loaded, 'error', 'hearth.yaml', 'checkins.cron', 'give daily or cron, not both');
    expectIssue(loaded, 'error', 'hearth.yaml', 'ollama.num_ctx');
    expectIssue(loaded, 'error', 'hearth.yaml', 'ollama.first_token_timeout', 'must not be longer than deadline');
    expectIssue(loaded, 'error', 'hearth.yaml', 'lifecoach.enabled');
    expectIssue(loaded, 'error', 'hearth.yaml', 'lifecoach.hub', 'placement remote needs hub.url');
  });

  it('a rule is skipped when a field it reads is itself wrong (no second message about a bad value)', async () => {
    const loaded = await loadFiles(config('ollama: { deadline: soon, first_token_timeout: 20 }\n'));
    expectIssue(loaded, 'error', 'hearth.yaml', 'ollama.deadline', 'is not a duration');
    expect(loaded.errors.filter((i) => i.path === 'ollama.first_token_timeout')).toEqual([]);
  });
});
