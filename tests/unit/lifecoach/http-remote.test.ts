/**
 * The coach's HTTP routes on a real express server (127.0.0.1, behind the hub's bearer-token
 * check), with lavfi webcams; and a coach on another host getting its stills through them.
 */
import Database from 'better-sqlite3';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bearerAuth } from '../../../src/hub/http/auth.js';
import { camera } from '../../../src/config/lifecoach.js';
import { coachRouter } from '../../../src/lifecoach/http/routes.js';
import { createCameraSet } from '../../../src/lifecoach/stills/camera-set.js';
import { captureStill } from '../../../src/lifecoach/stills/capture.js';
import { createRemoteCameraSet } from '../../../src/lifecoach/stills/remote.js';
import { completeJpeg } from '../../../src/lifecoach/stills/jpeg.js';
import { createCheckinStore, type CheckinRecord, type CheckinStore } from '../../../src/lifecoach/store.js';
import { lavfiCamera } from '../../stand-ins/lavfi-cameras.js';
import { checkinRecord } from './fixtures.js';

const TOKEN = 'test-token-7d1f';
let server: Server;
let base: string;
let store: CheckinStore;
let blocked: string | undefined;
let ffmpegRuns = 0;

const record = checkinRecord('c1', 1000, { finished_at: 1100, reason: 'ollama_unreachable', timings: { total_ms: 100 } });

beforeAll(async () => {
  store = createCheckinStore(new Database(':memory:'));
  const cameras = createCameraSet({
    cameras: [lavfiCamera('desk', { size: '640x360', unpaced: true }), camera.parse({ name: 'gone', device: '/dev/video9' })],
    capture: (spec, options) => {
      ffmpegRuns++;
      return captureStill(spec, options);
    },
  });
  const app = express();
  app.use(
    coachRouter({
      auth: bearerAuth(() => TOKEN),
      cameras,
      captureBlocked: () => blocked,
      runCheckin: async () => {
        store.save({ ...record, id: `c${store.list().length + 1}` }, []);
        return store.list()[0]!;
      },
      store,
    }),
  );
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));
beforeEach(() => {
  blocked = undefined;
  ffmpegRuns = 0;
});

const get = (path: string, token: string | null = TOKEN, init: RequestInit = {}) =>
  fetch(`${base}${path}`, { ...init, headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('GET /stills/<camera>.jpg', () => {
  it('needs the bearer token', async () => {
    expect((await get('/stills/desk.jpg', null)).status).toBe(401);
    expect((await get('/stills/desk.jpg', 'wrong')).status).toBe(401);
    expect(ffmpegRuns).toBe(0);
  });

  it('serves a fresh JPEG, uncached, and records the capture', async () => {
    const res = await get('/stills/desk.jpg');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(completeJpeg(Buffer.from(await res.arrayBuffer()))).toEqual({ width: 640, height: 360 });
    expect(ffmpegRuns).toBe(1);
  });

  it('answers 404 for names that are not configured cameras, never touching a path', async () => {
    for (const path of ['/stills/nope.jpg', '/stills/..%2F..%2Fetc%2Fpasswd.jpg', '/stills/desk.png', '/stills/DESK.jpg']) {
      expect((await get(path)).status, path).toBe(404);
    }
    expect(ffmpegRuns).toBe(0);
  });

  it('answers 503 with the reason for a missing camera and while capture is blocked', async () => {
    const missing = await get('/stills/gone.jpg');
    expect(missing.status).toBe(503);
    expect(await missing.json()).toMatchObject({ reason: 'missing' });
    blocked = 'cameras_off';
    const off = await get('/stills/desk.jpg');
    expect(off.status).toBe(503);
    expect(await off.json()).toEqual({ error: 'no still: cameras_off', reason: 'cameras_off' });
    expect(ffmpegRuns).toBe(1);
  });
});

describe('check-in API', () => {
  it('starts a check-in, lists and reads the records', async () => {
    const started = await get('/api/checkin', TOKEN, { method: 'POST' });
    expect(started.status).toBe(202);
    const waited = await get('/api/checkin?wait=1', TOKEN, { method: 'POST' });
    expect(((await waited.json()) as CheckinRecord).id).toBe('c2');
    const list = (await (await get('/api/checkins?limit=5')).json()) as CheckinRecord[];
    expect(list.map((r) => r.id).sort()).toEqual(['c1', 'c2']);
    expect((await get('/api/checkins/c1')).status).toBe(200);
    expect((await get('/api/checkins/nope')).status).toBe(404);
    expect((await get('/api/checkins?limit=0')).status).toBe(400);
    expect((await get('/api/checkins', null)).status).toBe(401);
  });
});

describe('a coach on another host', () => {
  it('gets its stills over HTTP with the token, failures with the hub’s reason', async () => {
    const remote = createRemoteCameraSet({ hubUrl: base, token: () => TOKEN, names: ['desk', 'gone'], timeoutMs: 15_000 });
    const round = await remote.captureAll('checkin:r1');
    expect(round.stills.map((s) => [s.camera, s.width, s.quality])).toEqual([['desk', 640, 'ok']]);
    expect(round.failures).toEqual([expect.objectContaining({ camera: 'gone', reason: 'missing' })]);
    expect(round.records.map((r) => [r.camera, r.outcome])).toEqual([
      ['desk', 'ok'],
      ['gone', 'missing'],
    ]);
  });

  it('a wrong token or an unreachable hub fail with a reason, not a throw', async () => {
    const wrong = await createRemoteCameraSet({ hubUrl: base, token: () => 'nope', names: ['desk'], timeoutMs: 5000 }).captureAll('x');
    expect(wrong.failures[0]).toMatchObject({ reason: 'http_error' });
    expect(wrong.failures[0]!.detail).toMatch(/401/);
    const down = await createRemoteCameraSet({
      hubUrl: 'http://127.0.0.1:9',
      token: () => TOKEN,
      names: ['desk'],
      timeoutMs: 5000,
    }).captureAll('x');
    expect(down.failures[0]).toMatchObject({ reason: 'unreachable' });
  });
});
