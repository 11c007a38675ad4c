/**
 * The configured cameras, captured one after the other (two webcams on one USB controller fail
 * together when they stream at once; rounds from different callers queue too), each still judged (quality.ts) and every attempt
 * described by a capture record: when, why, which camera, the outcome — never the image.
 * Keeps the latest good still per camera in memory (the MQTT image entities republish it;
 * `/stills/<camera>.jpg` captures afresh).
 */
import type { CameraConfig } from '../../config/lifecoach.js';
import { captureStill, type CaptureFailed, type CaptureOptions, type CaptureResult } from './capture.js';
import type { CaptureSpec } from './ffmpeg-args.js';
import { judgeStill, stillDigest, type StillQuality } from './quality.js';

export interface Still {
  camera: string;
  jpeg: Buffer;
  width: number;
  height: number;
  luma?: number;
  quality: StillQuality;
  /** SHA-256 of the JPEG (hex). */
  digest: string;
  /** Epoch ms. */
  capturedAt: number;
}

/** One capture attempt, as stored: no image, only what happened. */
export interface CaptureRecord {
  at: number;
  camera: string;
  /** Why it was captured: `checkin:<id>`, `http`, `bench`, … */
  why: string;
  /** `ok`, `dark`, `frozen`, or the failure reason (capture.ts), or `cameras_off`. */
  outcome: string;
  detail?: string;
  ms: number;
  bytes?: number;
}

export interface CaptureRound {
  stills: Still[];
  failures: CaptureFailed[];
  records: CaptureRecord[];
}

export interface CameraSetDeps {
  cameras: readonly CameraConfig[];
  now?: () => number;
  /** ffmpeg/watchdog binaries; the timeout comes from each camera's config. */
  ffmpeg?: string;
  watchdog?: string | false;
  /** Replaces captureStill (tests of the callers); the default is the real one. */
  capture?: (spec: CaptureSpec, options: CaptureOptions) => Promise<CaptureResult>;
}

export interface CameraSet {
  readonly names: readonly string[];
  /** Captures every camera (or the named ones), one after the other. Never rejects. */
  captureAll(why: string, options?: { only?: readonly string[]; signal?: AbortSignal }): Promise<CaptureRound>;
  /** The latest good still of a camera, if any. */
  latest(camera: string): Still | undefined;
}

export function createCameraSet(deps: CameraSetDeps): CameraSet {
  const now = deps.now ?? Date.now;
  const capture = deps.capture ?? captureStill;
  const previousDigest = new Map<string, string>();
  const latest = new Map<string, Still>();

  // Rounds queue behind each other: a check-in and an HTTP /stills request never open two
  // webcams at once (and one webcam never twice: V4L2 allows one reader).
  let queue: Promise<unknown> = Promise.resolve();
  const serialized: CameraSet['captureAll'] = (why, options) => {
    const round = queue.then(() => captureAll(why, options));
    queue = round.catch(() => {});
    return round;
  };

  const captureAll: CameraSet['captureAll'] = async (why, options = {}) => {
    const round: CaptureRound = { stills: [], failures: [], records: [] };
    const cameras = options.only ? deps.cameras.filter((c) => options.only!.includes(c.name)) : deps.cameras;
    for (const camera of cameras) {
      const at = now();
      const captureOptions: CaptureOptions = { timeoutMs: camera.timeout * 1000 };
      if (deps.ffmpeg !== undefined) captureOptions.ffmpeg = deps.ffmpeg;
      if (deps.watchdog !== undefined) captureOptions.watchdog = deps.watchdog;
      if (options.signal) captureOptions.signal = options.signal;
      const result = await capture(camera, captureOptions);
      if (!result.ok) {
        round.failures.push(result);
        round.records.push({ at, camera: camera.name, why, outcome: result.reason, detail: result.detail, ms: Math.round(result.ms) });
        continue;
      }
      const digest = stillDigest(result.jpeg);
      const quality = judgeStill({
        digest,
        previousDigest: previousDigest.get(camera.name),
        luma: result.luma,
        darkBelow: camera.dark_below,
      });
      previousDigest.set(camera.name, digest);
      const still: Still = {
        camera: camera.name,
        jpeg: result.jpeg,
        width: result.width,
        height: result.height,
        quality,
        digest,
        capturedAt: at,
      };
      if (result.luma !== undefined) still.luma = result.luma;
      round.stills.push(still);
      if (quality === 'ok') latest.set(camera.name, still);
      round.records.push({ at, camera: camera.name, why, outcome: quality, ms: Math.round(result.ms), bytes: result.jpeg.length });
    }
    return round;
  };

  return { names: deps.cameras.map((c) => c.name), captureAll: serialized, latest: (name) => latest.get(name) };
}
