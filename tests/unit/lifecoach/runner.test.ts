/**
 * The check-in runner end to end with real parts where they run here: ffmpeg lavfi webcams,
 * SQLite, the Ollama stand-in (HTTP, streamed) — and a recording notifier in place of HA.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CheckinRunner, type CheckinNotification, type CheckinRunnerDeps } from '../../../src/lifecoach/checkin/runner.js';
import type { PresenceFacts } from '../../../src/lifecoach/checkin/facts.js';
import { camera, captureWhen, checkinSettings, ollamaSettings, type CameraConfig } from '../../../src/config/lifecoach.js';
import { createOllamaClient } from '../../../src/lifecoach/ollama/client.js';
import { captureStill } from '../../../src/lifecoach/stills/capture.js';
import { createCameraSet } from '../../../src/lifecoach/stills/camera-set.js';
import { createStillsKeeper } from '../../../src/lifecoach/stills/keep.js';
import { createCheckinStore, type CheckinStore } from '../../../src/lifecoach/store.js';
import { lavfiCamera } from '../../stand-ins/lavfi-cameras.js';
import { answerFromFacts, startOllamaStandIn, type OllamaStandIn } from '../../stand-ins/ollama-server.js';
import { MORNING, TZ, person, routines, todos } from './fixtures.js';

let standIn: OllamaStandIn;
let store: CheckinStore;
let notifications: CheckinNotification[];
let ffmpegRuns: number;

const modelAnswer = JSON.stringify({
  summary: 'Meds, then a stretch',
  message: 'Good morning Sam! Your meds are waiting, and the stretch is snoozed until 08:40. The bed is made, nice.',
  observations: ['The desk is tidy.'],
  routines: [
    { id: 'morning-meds', suggestion: 'do_now' },
    { id: 'feed-the-cat', suggestion: 'do_now' },
    { id: 'make-bed', suggestion: 'well_done' },
  ],
});

const cams = (): CameraConfig[] => [
  lavfiCamera('desk', { size: '640x360', unpaced: true }),
  lavfiCamera('kitchen', { size: '640x360', unpaced: true }),
];

interface Setup {
  cameras?: CameraConfig[];
  camerasOn?: boolean;
  presence?: PresenceFacts;
  ollama?: Record<string, unknown>;
  settings?: Record<string, unknown>;
  now?: number;
  keepDir?: string;
  sources?: CheckinRunnerDeps['sources'];
}

function runner(setup: Setup = {}): CheckinRunner {
  const settings = ollamaSettings.parse({
    host: standIn.url,
    deadline: '20s',
    first_token_timeout: '10s',
    stall_timeout: '5s',
    ...setup.ollama,
  });
  const cameraSet = createCameraSet({
    cameras: setup.cameras ?? cams(),
    capture: (spec, options) => {
      ffmpegRuns++;
      return captureStill(spec, options);
    },
  });
  const deps: CheckinRunnerDeps = {
    person,
    timezone: TZ,
    settings: checkinSettings.parse({ daily: ['08:30'], ...setup.settings }),
    quietHours: { from: 22 * 60, to: 7 * 60 },
    captureWhen: captureWhen.parse({}),
    clock: { now: () => setup.now ?? MORNING },
    sources: setup.sources ?? {
      routines: () => routines,
      todos: async () => todos,
      presence: () => setup.presence ?? { home: true, room: 'office' },
    },
    cameras: cameraSet,
    camerasOn: () => setup.camerasOn ?? true,
    model: createOllamaClient(settings),
    modelOptions: { num_ctx: settings.num_ctx, num_predict: settings.num_predict, keep_alive: settings.keep_alive },
    store,
    notifier: { deliver: async (n) => void notifications.push(n) },
  };
  if (setup.keepDir) deps.keeper = createStillsKeeper({ dir: setup.keepDir, retentionSeconds: 3600 });
  return new CheckinRunner(deps);
}

const chats = () => standIn.requests.filter((r) => r.path === '/api/chat');

beforeAll(async () => {
  standIn = await startOllamaStandIn();
});
afterAll(() => standIn.close());
beforeEach(() => {
  standIn.reset();
  standIn.set({ answer: () => modelAnswer });
  store = createCheckinStore(new Database(':memory:'));
  notifications = [];
  ffmpegRuns = 0;
});

describe('a full check-in', () => {
  it('sends both stills, fact-checks the answer, replaces the data-first notification and records everything', async () => {
    const record = await runner().run('schedule');
    expect(record.outcome).toBe('model');
    expect(record.reason).toBeNull();
    expect(record.dropped).toEqual(['feed-the-cat']);
    expect(record.message).toMatchObject({
      source: 'model',
      summary: 'Meds, then a stretch',
      routines: ['morning-meds', 'make-bed'],
      actionable: ['morning-meds'],
    });
    expect(record.model).toBe('qwen3-vl:4b-instruct');
    expect(record.model_digest).toMatch(/^[0-9a-f]+$/);
    expect(record.prompt_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(record.context?.stills).toEqual([
      { camera: 'desk', seen: true },
      { camera: 'kitchen', seen: true },
    ]);
    expect(record.timings).toMatchObject({
      capture_ms: expect.any(Number),
      context_ms: expect.any(Number),
      model_ms: expect.any(Number),
      first_token_ms: expect.any(Number),
    });

    expect(chats()).toHaveLength(1);
    expect(chats()[0]!.body!.messages!.at(-1)!.images).toHaveLength(2);

    expect(notifications.map((n) => [n.source, n.replaces, n.tag])).toEqual([
      ['data', false, 'hearth-checkin-sam'],
      ['model', true, 'hearth-checkin-sam'],
    ]);
    expect(notifications[1]!.actionable).toEqual(['morning-meds']);

    expect(store.get(record.id)).toEqual(record);
    expect(store.captures(record.id).map((c) => [c.camera, c.outcome, c.why])).toEqual([
      ['desk', 'ok', `checkin:${record.id}`],
      ['kitchen', 'ok', `checkin:${record.id}`],
    ]);
  });

  it('the next check-in sees the last one, so it does not repeat itself', async () => {
    const r = runner();
    await r.run('schedule');
    await r.run('manual');
    const prompt = chats()[1]!.body!.messages!.at(-1)!.content;
    expect(prompt).toContain('"summary": "Meds, then a stretch"');
  });

  it('calls at the same time join one check-in', async () => {
    const r = runner();
    const [a, b] = await Promise.all([r.run('schedule'), r.run('api')]);
    expect(a.id).toBe(b.id);
    expect(store.list()).toHaveLength(1);
  });

  it('keep_stills writes 0600 files in 0700 folders', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'hearth-stills-')), 'stills');
    await runner({ keepDir: dir }).run('schedule');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const cam of ['desk', 'kitchen']) {
      expect(statSync(join(dir, cam)).mode & 0o777).toBe(0o700);
      const files = readdirSync(join(dir, cam));
      expect(files).toHaveLength(1);
      expect(statSync(join(dir, cam, files[0]!)).mode & 0o777).toBe(0o600);
    }
  });
});

describe('the person still gets a check-in when', () => {
  const expectDataCheckin = async (setup: Setup, reason: RegExp) => {
    const record = await runner(setup).run('schedule');
    expect(record.outcome).toBe('data');
    expect(record.reason).toMatch(reason);
    expect(record.message).toMatchObject({ source: 'data', summary: 'Still open: take morning meds and stretch.' });
    expect(record.delivered).toBe(true);
    // The data-first notification is the check-in; nothing replaces it.
    expect(notifications).toHaveLength(1);
    expect(store.get(record.id)?.outcome).toBe('data');
    return record;
  };

  it('Ollama is down', async () => {
    await expectDataCheckin({ ollama: { host: 'http://127.0.0.1:9' } }, /^model_unreachable/);
  });

  it('the model is too slow for the deadline (cold load)', async () => {
    standIn.set({ coldLoadMs: 10_000 });
    await expectDataCheckin({ ollama: { first_token_timeout: '0.5s' } }, /^ollama_timeout_first_token/);
  });

  it('the model answers invalid JSON', async () => {
    standIn.set({ mode: 'invalid_json' });
    await expectDataCheckin({}, /^ollama_invalid_answer: not JSON/);
  });

  it('the model has no vision', async () => {
    await expectDataCheckin({ ollama: { model: 'qwen3:4b' } }, /^model_no_vision/);
    expect(chats()).toHaveLength(0);
  });

  it('the model is not there', async () => {
    await expectDataCheckin({ ollama: { model: 'llava:7b' } }, /^model_model_missing/);
  });

  it('both cameras are missing (no model call without pictures)', async () => {
    const missing = [camera.parse({ name: 'desk', device: '/dev/video9' }), camera.parse({ name: 'kitchen', device: '/dev/video8' })];
    const record = await expectDataCheckin({ cameras: missing }, /^no_stills: desk missing, kitchen missing/);
    expect(store.captures(record.id).map((c) => c.outcome)).toEqual(['missing', 'missing']);
    expect(chats()).toHaveLength(0);
  });

  it('the cameras switch is off: no ffmpeg is started at all', async () => {
    const record = await expectDataCheckin({ camerasOn: false }, /^no_stills: cameras_off/);
    expect(ffmpegRuns).toBe(0);
    expect(store.captures(record.id)).toEqual([]);
  });
});

it('one missing camera: the model sees the other one', async () => {
  const record = await runner({
    cameras: [camera.parse({ name: 'desk', device: '/dev/video9' }), lavfiCamera('kitchen', { size: '640x360', unpaced: true })],
  }).run('schedule');
  expect(record.outcome).toBe('model');
  expect(record.context?.stills).toEqual([
    { camera: 'desk', seen: false, note: 'missing' },
    { camera: 'kitchen', seen: true },
  ]);
  expect(chats()[0]!.body!.messages!.at(-1)!.images).toHaveLength(1);
});

describe('held back', () => {
  it('skipped while away: recorded, nothing sent, no camera, no model', async () => {
    const record = await runner({ presence: { home: false } }).run('schedule');
    expect(record).toMatchObject({ outcome: 'skipped', reason: 'away', delivered: false, message: null });
    expect(notifications).toEqual([]);
    expect(ffmpegRuns).toBe(0);
    expect(standIn.requests).toEqual([]);
    expect(store.get(record.id)?.reason).toBe('away');
  });

  it('shortened in quiet hours (scheduled), in full when asked for by hand', async () => {
    const night = Date.UTC(2026, 10, 30, 23, 0);
    const short = await runner({ now: night, settings: { in_quiet_hours: 'short' } }).run('schedule');
    expect(short).toMatchObject({ outcome: 'data', reason: 'short:quiet_hours' });
    expect(ffmpegRuns).toBe(0);
    expect(notifications).toHaveLength(1);
    const manual = await runner({ now: night, settings: { in_quiet_hours: 'short' } }).run('manual');
    expect(manual.outcome).toBe('model');
  });
});

it('the stand-in answering from the facts (sandbox): a valid answer naming only real routines', async () => {
  standIn.set({ answer: answerFromFacts });
  const record = await runner().run('manual');
  expect(record.outcome).toBe('model');
  expect(record.dropped).toEqual([]);
  expect(record.message).toMatchObject({
    summary: 'Next up: take morning meds, stretch',
    routines: ['morning-meds', 'stretch', 'make-bed'],
    actionable: ['morning-meds', 'stretch'],
  });
  expect(record.message!.message).toContain('Hi Sam!');
});

it('a fact source that fails is left out and noted; the check-in goes on', async () => {
  const record = await runner({
    sources: {
      routines: () => {
        throw new Error('hub not ready');
      },
      todos: async () => {
        throw new Error('todo.get_items: 500');
      },
      presence: async () => ({ home: true, room: 'office' }),
    },
  }).run('manual');
  expect(record.outcome).toBe('model');
  expect(record.reason).toBe('routines_unavailable: hub not ready; todos_unavailable: todo.get_items: 500');
  expect(record.context?.routines).toEqual([]);
  // The model named routines the (empty) facts do not have: all dropped.
  expect(record.dropped).toEqual(['morning-meds', 'feed-the-cat', 'make-bed']);
  expect(notifications).toHaveLength(2);
});
