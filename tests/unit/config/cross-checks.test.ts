/** Checks across files and sections: names, ids and references. */
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/config/issues.js';
import { crossCheck } from '../../../src/config/cross-checks.js';
import { BASE_CONFIG, button, expectOnlyError, loadFiles, presence } from './helpers.js';

describe('devices', () => {
  it('a duplicate device name across two files names both files', async () => {
    const loaded = await loadFiles({
      'devices/kitchen-button.yaml': button('kitchen-button'),
      'devices/kitchen-button-2.yaml': button('kitchen-button'),
    });
    const issue = expectOnlyError(
      loaded,
      'devices/kitchen-button.yaml',
      'name',
      'device name "kitchen-button" is already used by devices/kitchen-button-2.yaml',
    );
    expect(issue.line).toBe(3);
  });

  it('a button naming an unknown routine: did you mean', async () => {
    const loaded = await loadFiles({ 'devices/x.yaml': button('x', { routine: 'kitchen-med' }) });
    const issue = expectOnlyError(loaded, 'devices/x.yaml', 'routine', 'unknown routine "kitchen-med"');
    expect(formatIssue(issue)).toBe('devices/x.yaml: routine: unknown routine "kitchen-med"; did you mean "kitchen-meds"?');
  });

  it('a routine nothing like a known one lists the known routines', async () => {
    const loaded = await loadFiles({ 'devices/x.yaml': button('x', { routine: 'feed-the-cat' }) });
    expectOnlyError(loaded, 'devices/x.yaml', 'routine', 'unknown routine "feed-the-cat"; known: kitchen-meds');
  });

  it('a routine when hearth.yaml has none', async () => {
    const loaded = await loadFiles({
      'hearth.yaml': BASE_CONFIG.slice(0, BASE_CONFIG.indexOf('routines:')),
      'devices/x.yaml': button('x'),
    });
    expectOnlyError(loaded, 'devices/x.yaml', 'routine', 'unknown routine "kitchen-meds"', 'routines: defines none');
  });

  it('an unknown tracker in tracks: did you mean, with its index', async () => {
    const loaded = await loadFiles({ 'devices/kitchen.yaml': presence('kitchen', 'kitchen').replace('sam-watch]', 'sam-wacth]') });
    const issue = expectOnlyError(loaded, 'devices/kitchen.yaml', 'tracks[1]', 'unknown tracker "sam-wacth"; did you mean "sam-watch"?');
    expect(issue.line).toBe(6);
  });

  it('a tracker listed twice in tracks', async () => {
    const loaded = await loadFiles({ 'devices/kitchen.yaml': presence('kitchen', 'kitchen').replace('sam-watch]', 'sam-iphone]') });
    expectOnlyError(loaded, 'devices/kitchen.yaml', 'tracks[1]', 'tracker "sam-iphone" is listed twice');
  });

  it('two presence nodes in the same room are fine', async () => {
    const loaded = await loadFiles({
      'devices/kitchen.yaml': presence('kitchen', 'kitchen'),
      'devices/kitchen-2.yaml': presence('kitchen-2', 'kitchen'),
    });
    expect(loaded.issues).toEqual([]);
    expect(loaded.household!.devices.map((d) => d.file)).toEqual(['devices/kitchen-2.yaml', 'devices/kitchen.yaml']);
  });

  it('a presence node tracking everything when there are no trackers: a warning', async () => {
    const config = BASE_CONFIG.replace(/trackers:[\s\S]*?routines:/, 'routines:');
    const loaded = await loadFiles({
      'hearth.yaml': config,
      'devices/kitchen.yaml': presence('kitchen', 'kitchen').replace(/tracks:.*\n/, ''),
    });
    expect(loaded.errors).toEqual([]);
    expect(loaded.household?.warnings.map(formatIssue)).toEqual([
      'devices/kitchen.yaml: tracks: warning: tracks nothing: hearth.yaml has no trackers',
    ]);
  });

  it('reference errors are found even when the file has other errors', async () => {
    const loaded = await loadFiles({ 'devices/x.yaml': button('x', { routine: 'kitchen-med', led: 'nope' }) });
    expect(loaded.errors.map((i) => i.path)).toEqual(['routine', 'led.pin']);
  });
});

describe('hearth.yaml', () => {
  it('a tracker of an unknown person: did you mean', async () => {
    const loaded = await loadFiles({
      'hearth.yaml': BASE_CONFIG.replace('    person: sam\n    type: irk\n    irk: fedc', '    person: samm\n    type: irk\n    irk: fedc'),
    });
    const issue = expectOnlyError(loaded, 'hearth.yaml', 'trackers[1].person', 'unknown person "samm"; did you mean "sam"?');
    expect(issue.line).toBe(12);
  });

  it('a routine for an unknown person', async () => {
    const loaded = await loadFiles({
      'hearth.yaml': BASE_CONFIG.replace('    title: Take the meds', '    title: Take the meds\n    person: alex'),
    });
    expectOnlyError(loaded, 'hearth.yaml', 'routines[0].person', 'unknown person "alex"; known: sam');
  });

  it('an unknown person is still found when another part of hearth.yaml is invalid', async () => {
    const config = BASE_CONFIG.replace('person: sam\n    type: irk\n    irk: fedc', 'person: samm\n    type: irk\n    irk: fedc').replace(
      'Europe/London',
      'Mars/Olympus',
    );
    const loaded = await loadFiles({ 'hearth.yaml': config });
    expect(loaded.errors.map((i) => i.path)).toEqual(['timezone', 'trackers[1].person']);
  });

  it.each([
    ['people', 'person', `${BASE_CONFIG}`.replace('people:\n', 'people:\n  - id: sam\n    name: Sam again\n'), 'people[1].id', 'people[0]'],
    ['trackers', 'tracker', BASE_CONFIG.replace('- id: sam-watch', '- id: sam-iphone'), 'trackers[1].id', 'trackers[0]'],
    [
      'routines',
      'routine',
      `${BASE_CONFIG}  - id: kitchen-meds\n    title: Again\n    due:\n      daily: ["09:00"]\n`,
      'routines[1].id',
      'routines[0]',
    ],
  ])('duplicate ids in %s', async (_section, what, config, path, first) => {
    const loaded = await loadFiles({ 'hearth.yaml': config });
    expectOnlyError(loaded, 'hearth.yaml', path, `duplicate ${what} id`, `${first} already has it`);
  });
});

describe('crossCheck (pure)', () => {
  it('works on plain objects, no files needed', () => {
    const issues = crossCheck(
      'hearth.yaml',
      { people: [{ id: 'sam' }], trackers: [{ id: 'phone', person: 'sam' }], routines: [{ id: 'meds' }] },
      [
        { file: 'devices/a.yaml', kind: 'reminder-button', name: 'a', routine: 'med' },
        { file: 'devices/b.yaml', kind: 'presence-node', name: 'a', tracks: ['phone', 'watch'] },
      ],
    );
    expect(issues.map(formatIssue)).toEqual([
      'devices/b.yaml: name: device name "a" is already used by devices/a.yaml; each device needs its own name',
      'devices/a.yaml: routine: unknown routine "med"; did you mean "meds"?',
      'devices/b.yaml: tracks[1]: unknown tracker "watch"; known: phone',
    ]);
  });
});

describe('derived names: ids whose HA / MQTT keys would coincide', () => {
  it('two trackers differing only in "-" / "_" share an RSSI sensor name and a secret name', async () => {
    const loaded = await loadFiles({
      'hearth.yaml': BASE_CONFIG.replace('  - id: sam-watch', '  - id: sam_iphone'),
    });
    expectOnlyError(
      loaded,
      'hearth.yaml',
      'trackers[1].id',
      '"sam_iphone" collides with trackers[0].id "sam-iphone"',
      'secret name sam_iphone',
    );
  });

  it('two people differing only in separators would share sensor.<person>_room', async () => {
    const config = BASE_CONFIG.replace(
      'people:\n  - id: sam\n    name: Sam',
      'people:\n  - id: jo-ann\n    name: Jo\n  - id: jo_ann\n    name: Jo A\n  - id: sam\n    name: Sam',
    );
    const loaded = await loadFiles({ 'hearth.yaml': config });
    const issue = expectOnlyError(loaded, 'hearth.yaml', 'people[1].id', 'collides with people[0].id "jo-ann"');
    expect(issue.message).toContain('MQTT unique_id hearth_jo_ann_room');
  });

  it('across sections: a person "routine-x" and a routine "x-room" would both publish unique_id hearth_routine_x_room', async () => {
    const config = BASE_CONFIG.replace('people:\n  - id: sam', 'people:\n  - id: routine-x\n    name: RX\n  - id: sam').replace(
      '  - id: kitchen-meds',
      '  - id: x-room\n    title: X\n    due: { daily: ["09:00"] }\n  - id: kitchen-meds',
    );
    const loaded = await loadFiles({ 'hearth.yaml': config });
    const issue = expectOnlyError(loaded, 'hearth.yaml', 'routines[0].id', '"x-room" collides with people[0].id "routine-x"');
    expect(issue.message).toContain('hearth_routine_x_room');
    expect(issue.message).not.toContain('treated alike');
  });

  it('an exact duplicate is reported once, as a duplicate', async () => {
    const config = BASE_CONFIG.replace(
      '  - id: kitchen-meds',
      '  - id: kitchen-meds\n    title: A\n    due: { daily: ["09:00"] }\n  - id: kitchen-meds',
    );
    const loaded = await loadFiles({ 'hearth.yaml': config });
    expectOnlyError(loaded, 'hearth.yaml', 'routines[1].id', 'duplicate routine id "kitchen-meds"');
  });
});

describe('derived names: HA entity ids of the ESPHome devices', () => {
  it('two devices whose expected entity ids coincide are an error naming both files', async () => {
    const named = (name: string, friendly: string) => button(name).replace(`name: ${name}`, `name: ${name}\nfriendly_name: "${friendly}"`);
    const loaded = await loadFiles({ 'devices/a.yaml': named('a', 'Hall button'), 'devices/b.yaml': named('b', 'Hall-button') });
    const issue = expectOnlyError(
      loaded,
      'devices/b.yaml',
      'friendly_name',
      '"Hall-button" gives the same HA entity id as devices/a.yaml',
      'event.hall_button_button',
    );
    expect(issue.message).toContain('_2');
  });

  it('the same friendly name in two areas is fine: HA puts the area first', async () => {
    const inArea = (name: string, area: string) =>
      button(name).replace(`name: ${name}`, `name: ${name}\nfriendly_name: Meds button\narea: ${area}`);
    const loaded = await loadFiles({ 'devices/a.yaml': inArea('a', 'Kitchen'), 'devices/b.yaml': inArea('b', 'Bedroom') });
    expect(loaded.issues).toEqual([]);
  });
});

describe('derived names: ESPHome secret names', () => {
  it('two trackers naming one !secret are an error naming both', async () => {
    const config = BASE_CONFIG.replace('irk: 0123456789abcdef0123456789abcdef', 'irk: !secret phone_irk').replace(
      'irk: fedcba9876543210fedcba9876543210',
      'irk: !secret phone_irk',
    );
    const loaded = await loadFiles({ 'hearth.yaml': config, 'devices/p.yaml': presence('p', 'kitchen') });
    expectOnlyError(
      loaded,
      'hearth.yaml',
      'trackers[1].irk',
      'secret name "phone_irk" of tracker "sam-watch" is also the secret name of tracker "sam-iphone"',
    );
  });

  it("a tracker key named like a device's API key is an error; devices sharing one API key name is a choice", async () => {
    const config = BASE_CONFIG.replace('irk: 0123456789abcdef0123456789abcdef', 'irk: !secret b_api_key');
    const clash = await loadFiles({ 'hearth.yaml': config, 'devices/p.yaml': presence('p', 'kitchen'), 'devices/b.yaml': button('b') });
    expectOnlyError(
      clash,
      'hearth.yaml',
      'trackers[0].irk',
      'secret name "b_api_key" of tracker "sam-iphone" is also the secret name of device "b" (api_key)',
    );
    const shared = await loadFiles({
      'hearth.yaml': `${BASE_CONFIG}esphome:\n  api_key_secret: fleet_api_key\n`,
      'devices/a.yaml': button('a'),
      'devices/b.yaml': button('b'),
    });
    expect(shared.errors).toEqual([]);
  });
});

describe('rooms', () => {
  it('two spellings of one room that differ only in "-" / "_" are a warning naming both files', async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': presence('a', 'living-room'), 'devices/b.yaml': presence('b', 'living_room') });
    expect(loaded.errors).toEqual([]);
    const warning = loaded.warnings.find((w) => w.path === 'room');
    expect(warning?.file).toBe('devices/b.yaml');
    expect(warning?.message).toContain('room "living_room" differs from "living-room" (devices/a.yaml)');
  });

  it('two nodes in the same room are fine', async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': presence('a', 'hall'), 'devices/b.yaml': presence('b', 'hall') });
    expect(loaded.issues).toEqual([]);
  });
});
