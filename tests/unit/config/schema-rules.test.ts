/** What each device and hearth.yaml schema rule says, at which file and path. */
import { describe, expect, it } from 'vitest';
import { BASE_CONFIG, button, expectIssue, expectOnlyError, loadFiles, presence } from './helpers.js';

describe('device kind and board', () => {
  it('unknown kind lists the known kinds', async () => {
    const loaded = await loadFiles({ 'devices/lamp.yaml': 'kind: lamp\nname: lamp\nboard: esp32dev\n' });
    expectOnlyError(loaded, 'devices/lamp.yaml', 'kind', 'unknown kind "lamp"', 'known kinds: reminder-button, presence-node, led-strip');
  });

  it('a kind close to a known one gets a did-you-mean', async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': button('a').replace('kind: reminder-button', 'kind: reminder-buton') });
    expectOnlyError(
      loaded,
      'devices/a.yaml',
      'kind',
      'unknown kind "reminder-buton"; did you mean "reminder-button"? (known kinds: reminder-button, presence-node, led-strip)',
    );
  });

  it('missing kind is an error listing the known kinds', async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': 'name: a\nboard: esp32dev\n' });
    expectOnlyError(loaded, 'devices/a.yaml', 'kind', 'is required', 'known kinds: reminder-button');
  });

  it('an empty spec file is an error', async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': '# todo\n' });
    expectOnlyError(loaded, 'devices/a.yaml', '', 'file is empty');
  });

  it('unknown board names the board and lists the known ones', async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': button('a', { board: 'esp33' }) });
    const issue = expectOnlyError(loaded, 'devices/a.yaml', 'board', 'unknown board "esp33"', 'known boards: esp32dev', 'esp01_1m');
    expect(issue.line).toBe(4);
  });

  it('a board close to a known one gets a did-you-mean', async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': button('a', { board: 'esp32-dev' }) });
    expectOnlyError(loaded, 'devices/a.yaml', 'board', 'unknown board "esp32-dev"; did you mean "esp32dev"? (known boards: esp32dev, ');
  });
});

describe('device names (the ESPHome node name rule)', () => {
  it.each([
    ['uppercase', 'Kitchen-Button', 'has uppercase letters', 'e.g. "kitchen-button"'],
    ['underscore', 'kitchen_button', 'has "_" (use "-")', 'e.g. "kitchen-button"'],
    ['too long', 'the-kitchen-reminder-button-by-the-kettle', 'is 41 characters long (at most 31)', 'lowercase letters, digits and "-"'],
    ['dash at the end', 'kitchen-', 'starts or ends with "-"', ''],
    ['a space', 'kitchen button', 'characters other than letters, digits and "-"', ''],
  ])('rejects a name with %s', async (_what, name, problem, hint) => {
    const loaded = await loadFiles({ 'devices/a.yaml': button('a').replace('name: a', `name: "${name}"`) });
    expect(loaded.errors).toHaveLength(1);
    expectIssue(loaded, 'error', 'devices/a.yaml', 'name', `"${name}" is not a valid ESPHome name`, problem, hint);
  });

  it('accepts a 31-character name', async () => {
    const name = 'a'.repeat(31);
    const loaded = await loadFiles({ [`devices/${name}.yaml`]: button(name) });
    expect(loaded.errors).toEqual([]);
  });

  it('warns when the name differs from the file name', async () => {
    const loaded = await loadFiles({ 'devices/kitchen.yaml': button('kitchen-meds-button') });
    expect(loaded.household).toBeDefined();
    expectIssue(loaded, 'warning', 'devices/kitchen.yaml', 'name', 'differs from the file name "kitchen"');
  });
});

describe('schema messages', () => {
  it('unknown top-level key in hearth.yaml is an error with a did-you-mean', async () => {
    const loaded = await loadFiles({ 'hearth.yaml': `${BASE_CONFIG}quiet_hour:\n  from: "22:00"\n  to: "07:00"\n` });
    const issue = expectOnlyError(loaded, 'hearth.yaml', 'quiet_hour', 'unknown key "quiet_hour"; did you mean "quiet_hours"?');
    expect(issue.line).toBe(20);
  });

  it('unknown key with no close match lists the known keys', async () => {
    const loaded = await loadFiles({ 'hearth.yaml': `${BASE_CONFIG}frobnicate: true\n` });
    expectOnlyError(loaded, 'hearth.yaml', 'frobnicate', 'unknown key "frobnicate"; known keys: timezone, people, trackers, routines');
  });

  it('presence tuning: durations parse, an unknown option names its path', async () => {
    const ok = await loadFiles({ 'hearth.yaml': `${BASE_CONFIG}presence:\n  away_after: 2m\n  switch_margin: 5\n` });
    expect(ok.issues).toEqual([]);
    expect(ok.household!.config.presence).toMatchObject({ away_after: 120, switch_margin: 5, stale_after: 10 });
    const bad = await loadFiles({ 'hearth.yaml': `${BASE_CONFIG}presence:\n  smoothing: 2\n` });
    expectOnlyError(bad, 'hearth.yaml', 'presence.smoothing', 'unknown key "smoothing"');
  });

  it('an MQTT URL with credentials in it is refused (they would be logged and land in the Nix store)', async () => {
    const bad = await loadFiles({ 'hearth.yaml': `${BASE_CONFIG}mqtt:\n  url: mqtt://hearth:s3cret@127.0.0.1:1883\n` });
    expectOnlyError(bad, 'hearth.yaml', 'mqtt.url', 'must not contain credentials');
    expect(bad.issues.map((i) => i.message).join('\n')).not.toContain('s3cret');
  });

  it('unknown key inside a device section', async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': button('a').replace('  pin: GPIO25', '  pin: GPIO25\n  pulup: true') });
    expectOnlyError(loaded, 'devices/a.yaml', 'button.pulup', 'unknown key "pulup"; did you mean "pullup"?');
  });

  it('missing field: "is required"', async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': button('a').replace('routine: kitchen-meds\n', '') });
    expectOnlyError(loaded, 'devices/a.yaml', 'routine', 'is required');
  });

  it('wrong type says what was expected and what was found', async () => {
    const loaded = await loadFiles({
      'devices/a.yaml': presence('a', 'kitchen').replace('tracks: [sam-iphone, sam-watch]', 'tracks: sam-iphone'),
    });
    expectOnlyError(loaded, 'devices/a.yaml', 'tracks', 'must be a list, not "sam-iphone"');
  });

  it('a malformed pin says how to write one', async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': button('a', { button: 'D5' }) });
    expectOnlyError(loaded, 'devices/a.yaml', 'button.pin', '"D5" is not a GPIO pin (use e.g. GPIO25 or 25)');
  });

  it('unknown light type lists the types', async () => {
    const loaded = await loadFiles({
      'devices/s.yaml': 'kind: led-strip\nname: s\nboard: esp01_1m\nlight:\n  type: rgbx\n  pins: { red: 12, green: 14, blue: 13 }\n',
    });
    expectOnlyError(loaded, 'devices/s.yaml', 'light.type', 'unknown type "rgbx"; did you mean "rgb"?');
  });

  it('an rgbw strip needs its white pin', async () => {
    const loaded = await loadFiles({
      'devices/s.yaml': 'kind: led-strip\nname: s\nboard: esp01_1m\nlight:\n  type: rgbw\n  pins: { red: 12, green: 14, blue: 13 }\n',
    });
    expectOnlyError(loaded, 'devices/s.yaml', 'light.pins.white', 'is required');
  });

  it('a number out of range gives the bound and the value', async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': presence('a', 'kitchen', 'rssi_offset: 45') });
    expectOnlyError(loaded, 'devices/a.yaml', 'rssi_offset', 'must be at most 30 (got 45)');
  });

  it('ESPHome string limits: friendly_name and area in UTF-8 bytes (120), comment 255 bytes', async () => {
    const umlauts = 'Ü'.repeat(61); // 61 characters, 122 bytes
    const tooLong = await loadFiles({ 'devices/a.yaml': presence('a', 'kitchen', `area: ${umlauts}\ncomment: ${'x'.repeat(256)}`) });
    expectIssue(tooLong, 'error', 'devices/a.yaml', 'area', 'is 122 bytes in UTF-8 (61 characters', 'at most 120 bytes');
    expectIssue(tooLong, 'error', 'devices/a.yaml', 'comment', 'is 256 bytes in UTF-8; ESPHome allows at most 255 bytes');
    const fits = await loadFiles({ 'devices/a.yaml': presence('a', 'kitchen', `friendly_name: ${'Ü'.repeat(60)}`) });
    expect(fits.errors).toEqual([]);
  });

  it("a '/' in friendly_name or area is a warning, as ESPHome's is until 2027.7", async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': presence('a', 'kitchen', 'friendly_name: In/Out\narea: Hall/Stairs') });
    expect(loaded.errors).toEqual([]);
    expectIssue(loaded, 'warning', 'devices/a.yaml', 'friendly_name', 'contains "/"', '2027.7', '"In & Out"');
    expectIssue(loaded, 'warning', 'devices/a.yaml', 'area', 'contains "/"');
  });

  it('durations take every ESPHome time-period form', async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': presence('a', 'kitchen', 'report_interval: 1500ms') });
    expect(loaded.issues).toEqual([]);
    expect(loaded.household!.devices[0]!.spec).toMatchObject({ report_interval: 1.5 });
  });

  it('a bad duration says how to write one', async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': presence('a', 'kitchen', 'report_interval: soon') });
    expectOnlyError(loaded, 'devices/a.yaml', 'report_interval', '"soon" is not a duration');
  });
});

describe('hearth.yaml values', () => {
  const withTracker = (tracker: string): string =>
    BASE_CONFIG.replace('routines:', `  - id: extra\n    person: sam\n${tracker}\nroutines:`);

  it('malformed IRK: the path and the rule, but not the value (key material)', async () => {
    const loaded = await loadFiles({ 'hearth.yaml': withTracker('    type: irk\n    irk: 0123456789abcdef') });
    const issue = expectOnlyError(loaded, 'hearth.yaml', 'trackers[2].irk', 'is 8 bytes, an IRK is 16', '32 hex digits', 'base64');
    expect(issue.message).not.toContain('0123456789abcdef');
    const junk = await loadFiles({ 'hearth.yaml': withTracker('    type: irk\n    irk: not-a-key') });
    const junkIssue = expectOnlyError(junk, 'hearth.yaml', 'trackers[2].irk', 'is neither 32 hex digits nor base64', 'reverse byte order');
    expect(junkIssue.message).not.toContain('not-a-key');
  });

  it('malformed MAC: the rule, not the value (a fixed MAC follows its owner too)', async () => {
    const loaded = await loadFiles({ 'hearth.yaml': withTracker('    type: mac\n    mac: "AA:BB:CC:DD:EE"') });
    const issue = expectOnlyError(loaded, 'hearth.yaml', 'trackers[2].mac', 'must be a MAC address like AA:BB:CC:DD:EE:FF');
    expect(issue.message).not.toContain('AA:BB:CC:DD:EE"');
  });

  it('malformed iBeacon UUID', async () => {
    const loaded = await loadFiles({ 'hearth.yaml': withTracker('    type: ibeacon\n    uuid: 1234-5678') });
    const issue = expectOnlyError(loaded, 'hearth.yaml', 'trackers[2].uuid', 'must be a UUID like 8-4-4-4-12 hex digits');
    expect(issue.message).not.toContain('1234-5678');
  });

  it('tracker keys are normalised to what ESPHome takes (MAC upper case with colons, UUID and IRK lower case)', async () => {
    const mac = await loadFiles({ 'hearth.yaml': withTracker('    type: mac\n    mac: aa-bb-cc-dd-ee-0f') });
    expect(mac.household!.config.trackers[2]).toMatchObject({ mac: 'AA:BB:CC:DD:EE:0F' });
    const irk = await loadFiles({ 'hearth.yaml': withTracker('    type: irk\n    irk: "irk:00112233445566778899AABBCCDDEEFF"') });
    expect(irk.household!.config.trackers[2]).toMatchObject({ irk: '00112233445566778899aabbccddeeff' });
  });

  it('a tracker key can be `!secret name` (ESPHome secrets.yaml) or a file, exactly one of value and file', async () => {
    const secretKey = await loadFiles({ 'hearth.yaml': withTracker('    type: irk\n    irk: !secret sams_ipad_irk') });
    expect(secretKey.issues).toEqual([]);
    const fromFile = await loadFiles({ 'hearth.yaml': withTracker('    type: mac\n    mac_file: /run/agenix/tag-mac') });
    expect(fromFile.issues).toEqual([]);
    const both = await loadFiles({ 'hearth.yaml': withTracker('    type: irk\n    irk: !secret x\n    irk_file: /run/x') });
    expectOnlyError(both, 'hearth.yaml', 'trackers[2].irk', 'give irk or irk_file, not both');
    const none = await loadFiles({ 'hearth.yaml': withTracker('    type: ibeacon') });
    expectOnlyError(none, 'hearth.yaml', 'trackers[2].uuid', 'is required', '!secret', 'uuid_file');
  });

  it("a tracker's label names its RSSI sensors, so ESPHome's entity-name rules apply", async () => {
    const ok = await loadFiles({ 'hearth.yaml': withTracker('    type: mac\n    mac: AA:BB:CC:DD:EE:FF\n    label: "Sam\'s iPad "') });
    expect(ok.household!.config.trackers[2]).toMatchObject({ label: "Sam's iPad" });
    const slash = await loadFiles({ 'hearth.yaml': withTracker('    type: mac\n    mac: AA:BB:CC:DD:EE:FF\n    label: Keys/bag') });
    expectOnlyError(slash, 'hearth.yaml', 'trackers[2].label', 'must not contain "/"');
    const empty = await loadFiles({ 'hearth.yaml': withTracker('    type: mac\n    mac: AA:BB:CC:DD:EE:FF\n    label: " "') });
    expectOnlyError(empty, 'hearth.yaml', 'trackers[2].label', 'must not be empty');
    const long = await loadFiles({ 'hearth.yaml': withTracker(`    type: mac\n    mac: AA:BB:CC:DD:EE:FF\n    label: ${'x'.repeat(65)}`) });
    expectOnlyError(long, 'hearth.yaml', 'trackers[2].label', 'at most 64 characters');
  });

  it('`!secret` elsewhere in hearth.yaml is an error naming where secrets of the hub come from', async () => {
    const loaded = await loadFiles({ 'hearth.yaml': BASE_CONFIG.replace('name: Sam', 'name: !secret sam_name') });
    expectOnlyError(loaded, 'hearth.yaml', 'people[0].name', '`!secret` is only for tracker keys', 'token_file');
  });

  it('unknown tracker type lists the types', async () => {
    const loaded = await loadFiles({ 'hearth.yaml': withTracker('    type: bluetooth') });
    expectOnlyError(loaded, 'hearth.yaml', 'trackers[2].type', 'unknown type "bluetooth"; one of: irk, ibeacon, mac');
  });

  it('a bad time zone', async () => {
    const loaded = await loadFiles({ 'hearth.yaml': BASE_CONFIG.replace('Europe/London', 'Europe/Londn') });
    expectOnlyError(loaded, 'hearth.yaml', 'timezone', 'is not an IANA time zone');
  });

  it('people is required', async () => {
    const loaded = await loadFiles({ 'hearth.yaml': 'timezone: Europe/London\n' });
    expectOnlyError(loaded, 'hearth.yaml', 'people', 'is required');
  });

  it('a routine due neither daily nor by cron says both forms', async () => {
    const loaded = await loadFiles({ 'hearth.yaml': BASE_CONFIG.replace('daily: ["08:00"]', 'weekly: monday') });
    expectOnlyError(loaded, 'hearth.yaml', 'routines[0].due', 'must be either `daily: [HH:MM, …]` or `cron:');
  });

  it.each([
    ['0 24 * * 0', 'invalid value for hour: 24 (hours are 0–23; midnight is 0)'],
    ['60 8 * * *', 'invalid value for minute: 60 (minutes are 0–59)'],
    ['0 8 32 * *', 'invalid value for day of month: 32 (days of the month are 1–31)'],
    ['0 8 * 13 *', 'invalid value for month: 13 (months are 1–12'],
    ['0 8 * * 8', 'invalid value for day of week: 8'],
    ['0 8-25 * * *', 'invalid value for hour: 8-25'],
  ])("cron %j is parsed by croner, the hub's scheduler, at load: %s", async (cron, message) => {
    const loaded = await loadFiles({ 'hearth.yaml': BASE_CONFIG.replace('daily: ["08:00"]', `cron: "${cron}"`) });
    expectOnlyError(loaded, 'hearth.yaml', 'routines[0].due.cron', message);
  });

  it('a cron that never falls due (31 April) loads with a warning naming the routine', async () => {
    const loaded = await loadFiles({ 'hearth.yaml': BASE_CONFIG.replace('daily: ["08:00"]', 'cron: "0 9 31 4 *"') });
    expect(loaded.errors).toEqual([]);
    expectIssue(loaded, 'warning', 'hearth.yaml', 'routines[0].due.cron', 'never falls due', 'kitchen-meds');
    const leap = await loadFiles({ 'hearth.yaml': BASE_CONFIG.replace('daily: ["08:00"]', 'cron: "0 9 29 2 *"') });
    expect(leap.issues).toEqual([]); // 29 February comes every four years
  });

  it('a malformed cron expression is explained', async () => {
    const loaded = await loadFiles({ 'hearth.yaml': BASE_CONFIG.replace('daily: ["08:00"]', 'cron: "0 18 * *"') });
    expectOnlyError(loaded, 'hearth.yaml', 'routines[0].due.cron', 'must be a 5-field cron expression');
  });

  it('a malformed daily time is explained with its index', async () => {
    const loaded = await loadFiles({ 'hearth.yaml': BASE_CONFIG.replace('daily: ["08:00"]', 'daily: ["08:00", "8pm"]') });
    expectOnlyError(loaded, 'hearth.yaml', 'routines[0].due.daily[1]', 'must be a time of day as HH:MM (24 h)');
  });
});

describe('esphome: fleet defaults reaching the firmware', () => {
  it.each(['2026.1.0', '2026.1', '2026.10.0-dev'])('min_version %s is an ESPHome version', async (v) => {
    const loaded = await loadFiles({ 'hearth.yaml': `${BASE_CONFIG}esphome:\n  min_version: "${v}"\n` });
    expect(loaded.issues).toEqual([]);
  });

  it('min_version that ESPHome would refuse is refused here', async () => {
    const loaded = await loadFiles({ 'hearth.yaml': `${BASE_CONFIG}esphome:\n  min_version: latest\n` });
    expectOnlyError(loaded, 'hearth.yaml', 'esphome.min_version', 'must be an ESPHome version such as 2026.1.0');
  });
});

describe('`!secret` in hearth.yaml', () => {
  it('a misplaced one is reported once, together with the other problems of the file', async () => {
    const config = BASE_CONFIG.replace('name: Sam', 'name: !secret sam_name').replace('timezone: Europe/London', 'timezone: Mars/Olympus');
    const loaded = await loadFiles({ 'hearth.yaml': config });
    expect(loaded.errors.map((e) => e.path).sort()).toEqual(['people[0].name', 'timezone']);
  });
});
