/**
 * Stills from another hearth (a coach-only hearth on another host): the same CameraPort,
 * filled by `GET <hub>/stills/<camera>.jpg` with the hub's bearer token, one camera after the
 * other, each with a timeout that aborts the request. A 503 carries the hub's reason; only a
 * complete JPEG counts. The token is never logged.
 */
import type { CaptureFailed, CaptureFailure } from './capture.js';
import type { CaptureRound, CameraSet, Still } from './camera-set.js';
import { completeJpeg } from './jpeg.js';
import { judgeStill, stillDigest } from './quality.js';

export interface RemoteCameraDeps {
  /** The hub hearth's HTTP base URL, e.g. http://rich-evans.nebula:8420. */
  hubUrl: string;
  token: () => string;
  names: readonly string[];
  timeoutMs: number;
  now?: () => number;
  fetch?: typeof fetch;
}

const KNOWN: ReadonlySet<string> = new Set([
  'missing',
  'busy',
  'permission',
  'unreachable',
  'http_error',
  'timeout',
  'incomplete',
  'too_large',
  'aborted',
  'spawn_failed',
  'ffmpeg_failed',
]);

export function createRemoteCameraSet(deps: RemoteCameraDeps): Pick<CameraSet, 'names' | 'captureAll' | 'latest'> {
  const now = deps.now ?? Date.now;
  const doFetch = deps.fetch ?? fetch;
  const previous = new Map<string, string>();
  // The latest good still per camera: the coach's MQTT image entities show it, as with local cameras.
  const latest = new Map<string, Still>();
  const base = deps.hubUrl.replace(/\/+$/, '');

  async function one(camera: string, why: string, signal?: AbortSignal): Promise<Still | CaptureFailed> {
    const started = performance.now();
    const fail = (reason: CaptureFailure | string, detail: string): CaptureFailed => ({
      ok: false,
      camera,
      reason: (KNOWN.has(reason) ? reason : 'http_error') as CaptureFailure,
      detail,
      ms: performance.now() - started,
    });
    const timeout = AbortSignal.timeout(deps.timeoutMs);
    try {
      const res = await doFetch(`${base}/stills/${encodeURIComponent(camera)}.jpg`, {
        headers: { authorization: `Bearer ${deps.token()}`, 'x-hearth-why': why },
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as { reason?: string; error?: string };
        return fail(body.reason ?? 'http_error', `hub answered ${res.status}: ${body.error ?? res.statusText}`);
      }
      const jpeg = Buffer.from(await res.arrayBuffer());
      const info = completeJpeg(jpeg);
      if (!info) return fail('incomplete', `no complete JPEG from the hub (${jpeg.length} bytes)`);
      const digest = stillDigest(jpeg);
      const quality = judgeStill({ digest, previousDigest: previous.get(camera), darkBelow: 0 });
      previous.set(camera, digest);
      const hubQuality = res.headers.get('x-still-quality');
      return {
        camera,
        jpeg,
        width: info.width,
        height: info.height,
        digest,
        capturedAt: now(),
        quality: hubQuality === 'dark' ? 'dark' : quality,
      };
    } catch (error) {
      if (timeout.aborted) return fail('timeout', `no still from the hub within ${deps.timeoutMs} ms`);
      if (signal?.aborted) return fail('aborted', 'aborted');
      return fail('unreachable', `hub ${base}: ${(error as Error).message}`);
    }
  }

  return {
    names: deps.names,
    latest: (camera) => latest.get(camera),
    async captureAll(why, options = {}) {
      const round: CaptureRound = { stills: [], failures: [], records: [] };
      for (const camera of options.only ? deps.names.filter((n) => options.only!.includes(n)) : deps.names) {
        const at = now();
        const started = performance.now();
        const result = await one(camera, why, options.signal);
        const ms = Math.round(performance.now() - started);
        if ('ok' in result) {
          round.failures.push(result);
          round.records.push({ at, camera, why, outcome: result.reason, detail: result.detail, ms });
        } else {
          round.stills.push(result);
          if (result.quality === 'ok') latest.set(camera, result);
          round.records.push({ at, camera, why, outcome: result.quality, ms, bytes: result.jpeg.length });
        }
      }
      return round;
    },
  };
}
