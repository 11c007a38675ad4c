/**
 * The life coach inside `hearth run` (a child process, as systemd runs it) against the real
 * stack: lavfi webcams through the real capture code, the Ollama stand-in (the one part that
 * cannot run here; tests/stand-ins/ollama-server.ts), HA's mobile_app with a fake phone, a
 * local_todo list. A check-in gathers routine states changed by the API and an emulated press
 * plus a to-do item, sends both stills, reaches the phone and HA's entities; the phone's Done
 * marks the routine done through the hub's own action handling; kill -9 during a check-in leaves
 * a complete record or none and the next run goes on (with Ollama down: the data check-in);
 * and a coach-only hearth (`--only lifecoach`) takes its stills from a hub hearth over HTTP.
 */
import Database from 'better-sqlite3';
import type { Connection } from 'home-assistant-js-websocket';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckinRecord } from '../../src/lifecoach/store.js';
import { callService, connect, dumpLogsOnFailure, haRest, press, sharedStack, waitForState, type StackInfo } from '../helpers/index.js';
import { answerFromFacts, startOllamaStandIn, type OllamaStandIn } from '../stand-ins/ollama-server.js';
import { lavfiGraph } from '../stand-ins/lavfi-cameras.js';
import {
  registerFakePhone,
  routineOf,
  spawnHearth,
  waitFor,
  writeHubFiles,
  type FakePhone,
  type HearthProcess,
  type HearthYaml,
  type HubFiles,
} from './hub-harness.js';

const stack: StackInfo = sharedStack();
dumpLogsOnFailure(() => stack);

const TODO_LIST = 'todo.coach_hub_test';
const TAG = 'hearth-checkin-sam';
const NEVER = { cron: '0 3 1 1 *' }; // made due by hand only

let conn: Connection;
let standIn: OllamaStandIn;
let phone: FakePhone;
let todoEntry: string | undefined;

/** The coach's sections: two small lavfi webcams, the stand-in, check-ins on demand only. */
function coachSections(config: HearthYaml, ollamaHost: string): void {
  const cam = (name: string, source?: string) => ({
    name,
    input: lavfiGraph({ size: '640x360', unpaced: true, ...(source ? { source, live: true } : {}) }),
    format: 'lavfi',
    settle_frames: 3,
    timeout: '20s',
  });
  Object.assign(config, {
    cameras: [cam('desk'), cam('kitchen', 'smptehdbars')],
    checkins: { data_first: false, when_away: 'normal', in_quiet_hours: 'normal' },
    ollama: { host: ollamaHost, deadline: '60s', first_token_timeout: '45s', stall_timeout: '20s' },
    lifecoach: { todo_lists: [TODO_LIST], capture_when: { person_home: false } },
  });
  routineOf(config, 'morning-meds').due = NEVER;
  routineOf(config, 'water-plants').due = NEVER;
  routineOf(config, 'desk-stretch').due = NEVER;
}

const checkinsIn = (files: HubFiles): CheckinRecord[] => {
  const db = new Database(join(files.dir, 'state', 'hearth.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare('SELECT id, outcome, reason, context, message, timings FROM lifecoach_checkins ORDER BY started_at')
      .all() as CheckinRecord[];
  } finally {
    db.close();
  }
};

const deadPort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  conn = await connect(stack);
  standIn = await startOllamaStandIn();
  standIn.set({ answer: answerFromFacts });
  phone = await registerFakePhone(stack, 'Sams Phone');
  // A to-do list of the test's own (local_todo's config flow) with one open item.
  const flow = await haRest<{ flow_id: string }>(stack, 'POST', '/api/config/config_entries/flow', { handler: 'local_todo' });
  const done = await haRest<{ result?: { entry_id: string } }>(stack, 'POST', `/api/config/config_entries/flow/${flow.flow_id}`, {
    todo_list_name: 'Coach hub test',
  });
  todoEntry = done.result?.entry_id;
  await waitForState(conn, TODO_LIST, () => true, 30_000);
  await callService(conn, 'todo', 'add_item', { item: 'Book the dentist' }, { entity_id: TODO_LIST });
}, 120_000);

afterAll(async () => {
  if (todoEntry) await haRest(stack, 'DELETE', `/api/config/config_entries/entry/${todoEntry}`).catch(() => {});
  await phone?.remove();
  await standIn?.close();
  conn?.close();
});

describe('life coach in hearth run', () => {
  let files: HubFiles;
  let hearth: HearthProcess;
  beforeAll(async () => {
    files = writeHubFiles(stack, { configure: (c) => coachSections(c, standIn.url) });
    hearth = await spawnHearth(files);
  }, 120_000);
  afterAll(async () => {
    await hearth?.stop();
    files?.remove();
  });

  const phase = async (id: string) =>
    (await hearth.api<Array<{ id: string; phase: string }>>('GET', '/api/routines')).body.find((r) => r.id === id)?.phase;

  it('a check-in sees the pressed and the due routine and the to-do item, sends both stills, reaches the phone and HA; Done from the phone settles the routine', async () => {
    expect((await hearth.api('POST', '/api/routines/morning-meds/due')).status).toBe(200);
    expect((await hearth.api('POST', '/api/routines/water-plants/due')).status).toBe(200);
    await press(stack, 'kitchen-meds-button', 'single');
    await waitFor(async () => (await phase('morning-meds')) === 'done', 15_000, 'morning-meds done by the press');
    // The coach reads routines from HA's entities (the same in every placement): wait until HA has them.
    await waitForState(conn, 'sensor.routine_morning_meds', (s) => s.state === 'done', 30_000);
    await waitForState(conn, 'sensor.routine_water_plants', (s) => s.state === 'due' || s.state === 'nagging', 30_000);

    const t0 = Date.now();
    const chats = standIn.requests.filter((r) => r.path === '/api/chat').length;
    const { status, body: record } = await hearth.api<CheckinRecord>('POST', '/api/checkin?wait=1');
    expect(status).toBe(200);
    console.log(`check-in through hearth run: ${JSON.stringify(record.timings)}`);
    expect(record).toMatchObject({ outcome: 'model', trigger: 'api', delivered: true });
    const routines = Object.fromEntries(record.context!.routines.map((r) => [r.id, r.status]));
    expect(routines).toMatchObject({ 'morning-meds': 'done', 'water-plants': 'pending' });
    expect(record.context!.todos).toEqual([{ list: TODO_LIST, summary: 'Book the dentist' }]);
    expect(record.context!.stills).toEqual([
      { camera: 'desk', seen: true },
      { camera: 'kitchen', seen: true },
    ]);
    const chat = standIn.requests
      .filter((r) => r.path === '/api/chat')
      .slice(chats)
      .at(-1)!;
    expect(chat.body?.messages?.at(-1)?.images).toHaveLength(2);

    const n = await phone.waitForNotification((x) => x.at >= t0 && x.data?.tag === TAG, 30_000);
    expect(n.title).toBe(record.message!.summary);
    expect(n.data?.actions).toEqual([
      { action: 'HEARTH_DONE:water-plants', title: 'Done: Water the plants' },
      { action: 'HEARTH_SNOOZE:water-plants', title: 'Snooze' },
    ]);
    await waitForState(
      conn,
      'sensor.sam_checkin',
      (s) => s.attributes.id === record.id && s.attributes.outcome === 'model' && s.state === record.message!.summary,
      30_000,
    );
    await waitForState(conn, 'event.sam_checkin', (s) => s.attributes.id === record.id, 30_000);
    await waitForState(conn, 'image.lifecoach_desk', (s) => Date.parse(s.state) >= t0, 30_000);
    await waitForState(conn, 'sensor.lifecoach_health', (s) => s.state === 'ok', 30_000);

    await phone.tapAction('HEARTH_DONE:water-plants', { tag: TAG });
    await waitFor(async () => (await phase('water-plants')) === 'done', 15_000, 'water-plants done from the check-in notification');

    const list = await hearth.api<CheckinRecord[]>('GET', '/api/checkins?limit=5');
    expect(list.body[0]?.id).toBe(record.id);
    expect((await fetch(`${hearth.base}/stills/desk.jpg`)).status).toBe(401);
    const still = await fetch(`${hearth.base}/stills/desk.jpg`, { headers: { authorization: `Bearer ${files.token}` } });
    expect(still.status).toBe(200);
    expect(still.headers.get('content-type')).toBe('image/jpeg');
  }, 180_000);

  it('kill -9 during a check-in leaves a complete record or none; the next run goes on (Ollama down: the data check-in reaches the phone)', async () => {
    const before = checkinsIn(files).length;
    standIn.set({ mode: 'hang' }); // the model never answers: the check-in is held in its model call
    const chats = standIn.requests.filter((r) => r.path === '/api/chat').length;
    expect((await hearth.api('POST', '/api/checkin')).status).toBe(202);
    await waitFor(() => standIn.requests.filter((r) => r.path === '/api/chat').length > chats, 60_000, 'the check-in in its model call');
    hearth.child.kill('SIGKILL');
    await hearth.exited;
    standIn.set({ mode: 'answer' });

    const after = checkinsIn(files);
    expect(after.length).toBe(before); // none: the check-in had not finished
    for (const r of after) expect(r.timings && r.outcome).toBeTruthy();

    // The next run, with Ollama unreachable: the person still gets a check-in from the routine data.
    const port = await deadPort();
    files.rewrite((c) => void ((c.ollama as Record<string, unknown>).host = `http://127.0.0.1:${port}`));
    hearth = await spawnHearth(files);
    const t0 = Date.now();
    const { body: record } = await hearth.api<CheckinRecord>('POST', '/api/checkin?wait=1');
    expect(record.outcome).toBe('data');
    expect(record.reason).toMatch(/unreachable/);
    const n = await phone.waitForNotification((x) => x.at >= t0 && x.data?.tag === TAG, 30_000);
    expect(n.message).toBe(record.message!.message);
    expect(checkinsIn(files).length).toBe(before + 1);
    await waitForState(conn, 'sensor.lifecoach_health', (s) => s.state === 'ollama_unreachable', 30_000);
  }, 180_000);
});

describe('coach-only hearth on another host', () => {
  let hubFiles: HubFiles;
  let coachFiles: HubFiles;
  let hub: HearthProcess;
  let coach: HearthProcess;
  afterAll(async () => {
    await coach?.stop();
    await hub?.stop();
    coachFiles?.remove();
    hubFiles?.remove();
  });

  it('hearth run --only lifecoach takes both stills from the hub hearth over HTTP (with its token) and its facts from HA', async () => {
    standIn.set({ mode: 'answer', answer: answerFromFacts });
    hubFiles = writeHubFiles(stack, { configure: (c) => coachSections(c, standIn.url) });
    hub = await spawnHearth(hubFiles, { args: ['--no-lifecoach'] });
    coachFiles = writeHubFiles(stack, {
      configure: (c) => {
        coachSections(c, standIn.url);
        (c.lifecoach as Record<string, unknown>).hub = { url: hub.base, token_file: join(hubFiles.dir, 'http-token') };
      },
    });
    coach = await spawnHearth(coachFiles, { args: ['--only', 'lifecoach'] });
    // The hub runs no coach: no check-ins there, only the stills.
    expect((await hub.api('POST', '/api/checkin')).status).toBe(404);
    expect((await hub.api<{ lifecoach: { role: string } }>('GET', '/api/status')).body.lifecoach.role).toBe('stills');
    expect((await coach.api<{ lifecoach: { role: string } }>('GET', '/api/status')).body.lifecoach.role).toBe('coach');

    const chats = standIn.requests.filter((r) => r.path === '/api/chat').length;
    const t0 = Date.now();
    const { body: record } = await coach.api<CheckinRecord>('POST', '/api/checkin?wait=1');
    expect(record.outcome).toBe('model');
    expect(record.context!.stills).toEqual([
      { camera: 'desk', seen: true },
      { camera: 'kitchen', seen: true },
    ]);
    expect(record.context!.todos).toEqual([{ list: TODO_LIST, summary: 'Book the dentist' }]);
    expect(
      standIn.requests
        .filter((r) => r.path === '/api/chat')
        .slice(chats)
        .at(-1)!
        .body?.messages?.at(-1)?.images,
    ).toHaveLength(2);
    // The hub captured them for the coach's HTTP requests, and recorded each capture.
    const db = new Database(join(hubFiles.dir, 'state', 'hearth.sqlite'), { readonly: true, fileMustExist: true });
    const captures = db.prepare("SELECT camera, outcome FROM lifecoach_captures WHERE why = 'http' ORDER BY id").all();
    db.close();
    expect(captures).toEqual(
      expect.arrayContaining([expect.objectContaining({ camera: 'desk' }), expect.objectContaining({ camera: 'kitchen' })]),
    );

    // The stills fetched from the hub reach HA's image entities through the coach.
    await waitForState(conn, 'image.lifecoach_kitchen', (s) => Date.parse(s.state) >= t0, 30_000);

    // The coach-only hearth has its own availability: stopping it leaves the hub's entities available.
    await coach.stop();
    await new Promise((r) => setTimeout(r, 1000));
    await waitForState(conn, 'sensor.routine_morning_meds', (s) => s.state !== 'unavailable', 10_000);
  }, 240_000);
});
