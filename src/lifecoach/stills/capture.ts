/**
 * One still from one camera: ffmpeg in its own process group, its JPEG read from stdout,
 * accepted only when complete. A watchdog (coreutils `timeout -k 1 -s KILL`) leads the group
 * and kills ffmpeg even when hearth itself dies mid-capture (kill -9), so no capture outlives
 * its budget. On our timeout (or an abort) the watchdog is told to end ffmpeg (TERM, then KILL
 * a second later, and it reaps it); SIGKILL to the whole group is the last resort.
 *
 * Never throws: every failure is a `CaptureFailed` with a reason a person can act on.
 */
import { spawn } from 'node:child_process';
import { ffmpegArgs, LUMA_KEY, type CaptureSpec } from './ffmpeg-args.js';
import { completeJpeg } from './jpeg.js';

export type CaptureFailure =
  /** The device or input does not exist (unplugged webcam). */
  | 'missing'
  /** Another process holds the V4L2 device. */
  | 'busy'
  | 'permission'
  /** Nothing answers at the snapshot URL's host:port. */
  | 'unreachable'
  /** The snapshot URL answered an HTTP error. */
  | 'http_error'
  /** No complete still within the camera's timeout: ffmpeg was killed. */
  | 'timeout'
  /** ffmpeg ended without one complete JPEG. */
  | 'incomplete'
  | 'too_large'
  | 'aborted'
  /** ffmpeg (or the watchdog) could not be started. */
  | 'spawn_failed'
  | 'ffmpeg_failed';

export interface CaptureOk {
  ok: true;
  camera: string;
  jpeg: Buffer;
  width: number;
  height: number;
  /** Mean luma 0–255 of the (masked, scaled) still; undefined when ffmpeg did not report it. */
  luma?: number;
  /** Wall time of the capture, ms. */
  ms: number;
}

export interface CaptureFailed {
  ok: false;
  camera: string;
  reason: CaptureFailure;
  /** ffmpeg's own words (its last error line), for logs and the 503 answer. */
  detail: string;
  ms: number;
}

export type CaptureResult = CaptureOk | CaptureFailed;

export interface CaptureOptions {
  /** ffmpeg binary (default `ffmpeg` on PATH). */
  ffmpeg?: string;
  /** coreutils `timeout` binary for the watchdog; `false` runs ffmpeg without it. Default `timeout`. */
  watchdog?: string | false;
  timeoutMs: number;
  /** Stdout beyond this is not a still (default 16 MB). */
  maxBytes?: number;
  signal?: AbortSignal;
  /** Called with the process group id once spawned (tests check that it is gone afterwards). */
  onSpawn?: (pgid: number) => void;
}

const STDERR_KEEP = 16 * 1024;
const LUMA_LINE = new RegExp(`${LUMA_KEY.replace(/\./g, '\\.')}=(\\d+(?:\\.\\d+)?)\\s`);

/** ffmpeg's stderr → a failure reason. The patterns are ffmpeg's and libc's (strerror) wording. */
export function classifyFfmpegError(stderr: string): CaptureFailure {
  if (/No such file or directory|Cannot open video device.*No such/i.test(stderr)) return 'missing';
  if (/Device or resource busy/i.test(stderr)) return 'busy';
  if (/Permission denied/i.test(stderr)) return 'permission';
  if (/Server returned [45]\d\d|HTTP error [45]\d\d/i.test(stderr)) return 'http_error';
  if (/Connection refused|No route to host|Network is unreachable|Name or service not known|Failed to resolve/i.test(stderr))
    return 'unreachable';
  return 'ffmpeg_failed';
}

/** The last line of ffmpeg's stderr that says something (not a progress or stream line). */
export function lastErrorLine(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('frame=') && !l.includes(LUMA_KEY));
  return lines.at(-1)?.slice(0, 300) ?? '';
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // ESRCH: the group is gone already.
  }
}

/**
 * Captures one still. Resolves (never rejects) once ffmpeg and its whole process group are gone.
 */
export function captureStill(spec: CaptureSpec, options: CaptureOptions): Promise<CaptureResult> {
  const started = performance.now();
  const ffmpeg = options.ffmpeg ?? 'ffmpeg';
  const watchdog = options.watchdog ?? 'timeout';
  const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  const args = ffmpegArgs(spec);
  // The watchdog's own budget is a little longer than ours: normally we kill first.
  const watchdogSeconds = Math.ceil(options.timeoutMs / 1000) + 2;
  const [cmd, argv] = watchdog === false ? [ffmpeg, args] : [watchdog, ['-k', '1', '-s', 'KILL', String(watchdogSeconds), ffmpeg, ...args]];
  const fail = (reason: CaptureFailure, detail: string): CaptureFailed => ({
    ok: false,
    camera: spec.name,
    reason,
    detail,
    ms: performance.now() - started,
  });

  return new Promise((resolve) => {
    if (options.signal?.aborted) return resolve(fail('aborted', 'capture aborted before it started'));
    let child;
    try {
      // detached: ffmpeg leads its own process group, so one kill(-pgid) reaches everything it started.
      child = spawn(cmd, argv, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      return resolve(fail('spawn_failed', (error as Error).message));
    }
    const pgid = child.pid;
    const chunks: Buffer[] = [];
    let bytes = 0;
    let stderr = '';
    let luma: number | undefined;
    let forced: CaptureFailed | undefined;
    let spawnError: Error | undefined;

    let lastResort: NodeJS.Timeout | undefined;
    const stop = (reason: CaptureFailure, detail: string): void => {
      if (forced) return;
      forced = fail(reason, detail);
      if (pgid === undefined) return;
      if (watchdog === false) return killGroup(pgid);
      // The watchdog passes TERM on to ffmpeg, KILLs it a second later (-k 1) and reaps it; killing
      // the whole group at once would orphan ffmpeg as a zombie. The group kill stays the last resort.
      try {
        process.kill(pgid, 'SIGTERM');
      } catch {
        // gone already
      }
      lastResort = setTimeout(() => killGroup(pgid), 3000);
    };
    const timer = setTimeout(() => stop('timeout', `no complete still within ${options.timeoutMs} ms`), options.timeoutMs);
    const onAbort = (): void => stop('aborted', 'capture aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (pgid !== undefined) options.onSpawn?.(pgid);

    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) return stop('too_large', `more than ${maxBytes} bytes on stdout`);
      chunks.push(chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-STDERR_KEEP);
      // Matched on the kept tail, so a line split across two chunks is still found.
      if (luma === undefined) {
        const match = LUMA_LINE.exec(stderr);
        if (match) luma = Number(match[1]);
      }
    });
    child.on('error', (error) => {
      spawnError = error;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(lastResort);
      options.signal?.removeEventListener('abort', onAbort);
      if (forced) return resolve(forced);
      if (spawnError) return resolve(fail('spawn_failed', `${cmd}: ${spawnError.message}`));
      const jpeg = Buffer.concat(chunks);
      const info = completeJpeg(jpeg);
      if (code === 0 && info) {
        const ok: CaptureOk = {
          ok: true,
          camera: spec.name,
          jpeg,
          width: info.width,
          height: info.height,
          ms: performance.now() - started,
        };
        if (luma !== undefined) ok.luma = luma;
        return resolve(ok);
      }
      // 124/137: the watchdog ended ffmpeg (it only does when we could not).
      if (watchdog !== false && (code === 124 || code === 137)) return resolve(fail('timeout', 'killed by the watchdog'));
      const detail = lastErrorLine(stderr) || `ffmpeg exited with ${code ?? signal}`;
      if (code === 0) return resolve(fail('incomplete', `no complete JPEG on stdout (${jpeg.length} bytes)`));
      if (code === 127 && /No such file|not found/i.test(stderr)) return resolve(fail('spawn_failed', detail));
      resolve(fail(classifyFfmpegError(stderr), detail));
    });
  });
}
