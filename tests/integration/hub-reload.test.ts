/**
 * SIGHUP reloads hearth.yaml in a running `hearth run` (a child process against the shared
 * stack): a routine added appears in the API, in MQTT discovery and as an HA entity; a broken
 * hearth.yaml is logged issue by issue and the running configuration is kept (the process
 * stays up); a routine removed has its discovery configs cleared.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'home-assistant-js-websocket';
import {
  connect,
  dumpLogsOnFailure,
  getState,
  mqttMessages,
  press,
  sharedStack,
  waitForState,
  type MqttRecorder,
  type StackInfo,
} from '../helpers/index.js';
import { spawnHearth, startHub, waitFor, writeHubFiles, type HearthProcess, type HubFiles, type LogLine } from './hub-harness.js';

const stack: StackInfo = sharedStack();
dumpLogsOnFailure(() => stack);

// Due six hours from now (household time zone), so it is idle, not already nagging, whatever
// the time the test runs: "make due" must then report exactly `due`.
const inSixHours = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
}).format(new Date(Date.now() + 6 * 3600_000));
const NEW_ROUTINE = { id: 'evening-walk', title: 'Evening walk', person: 'sam', due: { daily: [inSixHours] }, window: '2h' };
const SENSOR_TOPIC = 'homeassistant/sensor/hearth/routine_evening_walk/config';
const DONE_BUTTON_TOPIC = 'homeassistant/button/hearth/routine_evening_walk_done/config';

let files: HubFiles;
let hearth: HearthProcess;
let discovery: MqttRecorder;
let conn: Connection;
beforeAll(async () => {
  files = writeHubFiles(stack);
  hearth = await spawnHearth(files);
  discovery = await mqttMessages(stack, 'homeassistant/+/hearth/#');
  conn = await connect(stack);
});
afterAll(async () => {
  await hearth?.stop();
  files?.remove();
  await discovery?.stop();
  conn?.close();
});

/** The retained payload a new subscriber gets on `topic`, or undefined. */
async function retained(topic: string): Promise<string | undefined> {
  const fresh = await mqttMessages(stack, topic);
  try {
    return (await fresh.waitFor((m) => m.retain, 1000).catch(() => undefined))?.payload;
  } finally {
    await fresh.stop();
  }
}

const routineIds = async () => (await hearth.api<Array<{ id: string }>>('GET', '/api/routines')).body.map((r) => r.id);
/** SIGHUP, then the reload's outcome as logged. */
async function sighup(): Promise<LogLine> {
  const from = hearth.logs.length;
  hearth.child.kill('SIGHUP');
  return hearth.waitForLog(
    (l) => hearth.logs.indexOf(l) >= from && (l.msg === 'configuration reloaded' || /^reload: configuration has errors/.test(l.msg ?? '')),
    15_000,
    'the reload outcome',
  );
}

describe('hub: SIGHUP reload', () => {
  it('a routine added to hearth.yaml appears in the API, MQTT discovery and Home Assistant', async () => {
    const before = await routineIds();
    expect(before).not.toContain(NEW_ROUTINE.id);
    files.rewrite((c) => c.routines!.push({ ...NEW_ROUTINE }));
    const since = Date.now();
    expect((await sighup()).msg).toBe('configuration reloaded');

    expect(await routineIds()).toEqual([...before, NEW_ROUTINE.id]);
    const config = await discovery.waitFor((m) => m.topic === SENSOR_TOPIC && m.at >= since && m.payload !== '', 10_000);
    expect(await retained(SENSOR_TOPIC)).toBe(config.payload);
    expect(JSON.parse(config.payload)).toMatchObject({
      unique_id: 'hearth_routine_evening_walk',
      default_entity_id: 'sensor.routine_evening_walk',
    });
    await discovery.waitFor((m) => m.topic === DONE_BUTTON_TOPIC && m.at >= since && m.payload !== '', 10_000);
    await waitForState(
      conn,
      'sensor.routine_evening_walk',
      (s) => s.state !== 'unavailable' && s.attributes.title === 'Evening walk',
      15_000,
    );

    // And it works like the others.
    const due = await hearth.api<{ phase: string }>('POST', `/api/routines/${NEW_ROUTINE.id}/due`);
    expect(due.status).toBe(200);
    expect(due.body.phase).toBe('due');
    await waitForState(conn, 'sensor.routine_evening_walk', (s) => s.state === 'due', 10_000);
  });

  it('a broken hearth.yaml is logged with its issues and the running configuration is kept', async () => {
    const good = await routineIds();
    files.rewrite((c) => {
      c.routines!.push({ id: 'broken', title: 'Broken', due: { cron: 'every morning' } });
      c.people![0]!.phone_number = '+44 7700 900000';
    });
    const outcome = await sighup();
    expect(outcome.msg).toMatch(/^reload: configuration has errors; keeping the running one/);
    expect(outcome.errors).toBe(2);
    const issues = hearth.logs.slice(hearth.logs.indexOf(outcome) - 2, hearth.logs.indexOf(outcome));
    expect(issues.map((l) => l.level)).toEqual([50, 50]);
    expect(issues.map((l) => l.msg).join('\n')).toMatch(/hearth\.yaml: .*routines.*cron/s);
    expect(issues.map((l) => l.msg).join('\n')).toMatch(/phone_number/);

    expect(hearth.running).toBe(true);
    expect(await routineIds()).toEqual(good);
    expect((await fetch(`${hearth.base}/healthz`)).status).toBe(200);

    // Not YAML at all: the same.
    files.rewrite(() => {});
    const { writeFileSync } = await import('node:fs');
    writeFileSync(files.configFile, 'routines: [\n  - id: oops\n');
    expect((await sighup()).msg).toMatch(/^reload: configuration has errors/);
    expect(hearth.running).toBe(true);
    expect(await routineIds()).toEqual(good);
  });

  it('a routine removed has its discovery configs cleared and its HA entity goes away', async () => {
    files.rewrite((c) => {
      c.routines = c.routines!.filter((r) => r.id !== 'broken' && r.id !== NEW_ROUTINE.id);
      delete c.people![0]!.phone_number;
    });
    const since = Date.now();
    expect((await sighup()).msg).toBe('configuration reloaded');
    expect(await routineIds()).not.toContain(NEW_ROUTINE.id);
    await discovery.waitFor((m) => m.topic === SENSOR_TOPIC && m.at >= since && m.payload === '', 10_000);
    expect(await retained(SENSOR_TOPIC)).toBeUndefined();
    await waitFor(
      async () => (await getState(stack, 'sensor.routine_evening_walk')) === undefined,
      15_000,
      'sensor.routine_evening_walk removed from HA',
    );
  });
});

describe('hub: overlapping reloads', () => {
  it('three reloads at once leave exactly one set of units: a press is recorded once', async () => {
    const inProcess = await startHub(stack);
    try {
      const entity = inProcess.hub.devices
        .find((d) => d.device === 'kitchen-meds-button')!
        .entities.find((e) => e.role === 'press')!.entityId;
      expect(await Promise.all([inProcess.hub.reload(), inProcess.hub.reload(), inProcess.hub.reload()])).toEqual([true, true, true]);
      await waitFor(() => inProcess.hub.health().ha === 'connected', 10_000, 'connected');
      // Let the registry resolution that follows a reload settle.
      await new Promise((r) => setTimeout(r, 1000));
      const presses = () => inProcess.hub.store!.history({ kind: 'press', limit: 1000 }).length;
      const before = presses();
      await press(stack, 'kitchen-meds-button', 'single');
      await waitFor(() => inProcess.hub.store!.lastHandledPress(entity) !== undefined && presses() > before, 10_000, 'press recorded');
      await new Promise((r) => setTimeout(r, 1000));
      expect(presses()).toBe(before + 1);
    } finally {
      await inProcess.stop();
    }
  });
});
