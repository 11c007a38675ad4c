/**
 * The capture code against real ffmpeg: lavfi sources as webcams, a real HTTP snapshot server,
 * a missing V4L2 device and a TCP listener that never answers.
 */
import { spawnSync } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { camera } from '../../../src/config/lifecoach.js';
import { captureStill, type CaptureOk } from '../../../src/lifecoach/stills/capture.js';
import { createCameraSet } from '../../../src/lifecoach/stills/camera-set.js';
import { completeJpeg } from '../../../src/lifecoach/stills/jpeg.js';
import { lavfiCamera } from '../../stand-ins/lavfi-cameras.js';

/** The still decoded by ffmpeg to an 8×8 gray image: 64 luma bytes, row by row. */
function grayThumb(jpeg: Buffer): Buffer {
  const out = spawnSync(
    'ffmpeg',
    ['-v', 'error', '-f', 'image2pipe', '-i', 'pipe:0', '-vf', 'scale=8:8,format=gray', '-f', 'rawvideo', 'pipe:1'],
    { input: jpeg },
  );
  return out.stdout;
}

const groupGone = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
    return false;
  } catch {
    return true;
  }
};

const ok = (r: Awaited<ReturnType<typeof captureStill>>): CaptureOk => {
  if (!r.ok) throw new Error(`capture failed: ${r.reason}: ${r.detail}`);
  return r;
};

describe('capture from lavfi webcams', () => {
  it('captures one complete, downscaled JPEG with its luma', async () => {
    let pgid = 0;
    const result = ok(await captureStill(lavfiCamera('desk'), { timeoutMs: 15_000, onSpawn: (p) => (pgid = p) }));
    expect(result.width).toBe(1024);
    expect(result.height).toBe(576);
    expect(completeJpeg(result.jpeg)).toEqual({ width: 1024, height: 576 });
    expect(result.luma).toBeGreaterThan(40);
    expect(result.luma).toBeLessThan(220);
    expect(groupGone(pgid)).toBe(true);
  });

  it('never upscales a small camera', async () => {
    const result = ok(await captureStill(lavfiCamera('small', { size: '320x240', unpaced: true }), { timeoutMs: 15_000 }));
    expect([result.width, result.height]).toEqual([320, 240]);
  });

  it('blacks out privacy masks before the luma is measured', async () => {
    const left = lavfiCamera('masked', {
      source: 'color=c=white',
      noise: 0,
      unpaced: true,
      overrides: { masks: [{ x: 0, y: 0, width: 0.5, height: 1 }] },
    });
    const result = ok(await captureStill(left, { timeoutMs: 15_000 }));
    const thumb = grayThumb(result.jpeg);
    expect(thumb.length).toBe(64);
    for (let row = 0; row < 8; row++) {
      expect(thumb[row * 8 + 1]!).toBeLessThan(40); // masked half: black
      expect(thumb[row * 8 + 6]!).toBeGreaterThan(200); // the rest: white
    }
    expect(result.luma).toBeGreaterThan(100);
    expect(result.luma).toBeLessThan(160);

    const whole = lavfiCamera('hidden', {
      source: 'color=c=white',
      noise: 0,
      unpaced: true,
      overrides: { masks: [{ x: 0, y: 0, width: 1, height: 1 }] },
    });
    const dark = ok(await captureStill(whole, { timeoutMs: 15_000 }));
    expect(dark.luma).toBeLessThan(20);
  });

  it('judges stills: too dark, frozen (identical to the last one), ok', async () => {
    const set = createCameraSet({
      cameras: [
        lavfiCamera('black', { source: 'color=c=black', noise: 0, unpaced: true }),
        lavfiCamera('stuck', { source: 'color=c=gray', noise: 0, unpaced: true }),
        lavfiCamera('live', { unpaced: true }),
      ],
    });
    const first = await set.captureAll('test');
    expect(first.records.map((r) => [r.camera, r.outcome])).toEqual([
      ['black', 'dark'],
      ['stuck', 'ok'],
      ['live', 'ok'],
    ]);
    const second = await set.captureAll('test');
    expect(second.records.map((r) => [r.camera, r.outcome])).toEqual([
      ['black', 'frozen'],
      ['stuck', 'frozen'],
      ['live', 'ok'],
    ]);
    expect(set.latest('live')).toBe(second.stills[2]);
    expect(set.latest('black')).toBeUndefined();
    for (const r of second.records) expect(r).not.toHaveProperty('jpeg');
  });

  it('captures one camera after the other, never two at once', async () => {
    let running = 0;
    let most = 0;
    const set = createCameraSet({
      cameras: [lavfiCamera('a', { unpaced: true }), lavfiCamera('b', { unpaced: true })],
      capture: async (spec, options) => {
        running++;
        most = Math.max(most, running);
        try {
          return await captureStill(spec, options);
        } finally {
          running--;
        }
      },
    });
    const round = await set.captureAll('test');
    expect(round.stills.map((s) => s.camera)).toEqual(['a', 'b']);
    expect(most).toBe(1);
  });
});

describe('cameras that fail', () => {
  let snapshot: Server;
  let hang: ReturnType<typeof createTcpServer>;
  const sockets: Socket[] = [];
  let jpeg: Buffer;

  beforeAll(async () => {
    jpeg = ok(await captureStill(lavfiCamera('src', { size: '640x480', unpaced: true }), { timeoutMs: 15_000 })).jpeg;
    snapshot = createHttpServer((req, res) => {
      if (req.url === '/snap.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg);
      else res.writeHead(404).end('not found');
    });
    // Accepts connections and never says a word: an HTTP snapshot that hangs.
    hang = createTcpServer((socket) => sockets.push(socket));
    await new Promise<void>((r) => snapshot.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => snapshot.close(r));
    await new Promise((r) => hang.close(r));
  });

  const port = (s: { address(): unknown }): number => (s.address() as AddressInfo).port;

  it('reads an HTTP snapshot URL', async () => {
    const result = ok(
      await captureStill(camera.parse({ name: 'door', url: `http://127.0.0.1:${port(snapshot)}/snap.jpg` }), { timeoutMs: 15_000 }),
    );
    expect([result.width, result.height]).toEqual([640, 480]);
  });

  it('names an HTTP error and a refused connection', async () => {
    const notFound = await captureStill(camera.parse({ name: 'door', url: `http://127.0.0.1:${port(snapshot)}/nope.jpg` }), {
      timeoutMs: 15_000,
    });
    expect(notFound).toMatchObject({ ok: false, reason: 'http_error' });
    const closed = createTcpServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const freePort = port(closed);
    await new Promise((r) => closed.close(r));
    const refused = await captureStill(camera.parse({ name: 'door', url: `http://127.0.0.1:${freePort}/snap.jpg` }), { timeoutMs: 15_000 });
    expect(refused).toMatchObject({ ok: false, reason: 'unreachable' });
  });

  it('a missing V4L2 device fails with its reason', async () => {
    const result = await captureStill(camera.parse({ name: 'gone', device: '/dev/video9' }), { timeoutMs: 15_000 });
    expect(result).toMatchObject({ ok: false, camera: 'gone', reason: 'missing' });
    if (!result.ok) expect(result.detail).toMatch(/video9/);
  });

  it('a hanging snapshot is killed at the timeout, process group and all', async () => {
    let pgid = 0;
    const result = await captureStill(camera.parse({ name: 'hang', url: `http://127.0.0.1:${port(hang)}/snap.jpg` }), {
      timeoutMs: 1500,
      onSpawn: (p) => (pgid = p),
    });
    expect(result).toMatchObject({ ok: false, reason: 'timeout' });
    expect(pgid).toBeGreaterThan(0);
    expect(groupGone(pgid)).toBe(true);
    expect(sockets.length).toBeGreaterThan(0);
  });

  it('an abort ends the capture at once', async () => {
    const controller = new AbortController();
    const pending = captureStill(camera.parse({ name: 'hang', url: `http://127.0.0.1:${port(hang)}/snap.jpg` }), {
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 300);
    expect(await pending).toMatchObject({ ok: false, reason: 'aborted' });
  });

  it('a missing ffmpeg binary is a spawn failure, with or without the watchdog', async () => {
    const spec = lavfiCamera('x', { unpaced: true });
    expect(await captureStill(spec, { timeoutMs: 5000, ffmpeg: '/nonexistent/ffmpeg' })).toMatchObject({
      ok: false,
      reason: 'spawn_failed',
    });
    expect(await captureStill(spec, { timeoutMs: 5000, ffmpeg: '/nonexistent/ffmpeg', watchdog: false })).toMatchObject({
      ok: false,
      reason: 'spawn_failed',
    });
  });
});
