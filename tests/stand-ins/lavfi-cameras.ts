/**
 * ffmpeg `lavfi` sources as the two webcams: the real capture code runs against them through
 * the `input` + `format: lavfi` camera source. testsrc2 with temporal noise gives realistic
 * JPEG sizes (a clean test pattern compresses far better than a sensor's image), and the
 * `realtime` filter paces frames like a camera does, so settle frames cost real time.
 */
import { camera, type CameraConfig } from '../../src/config/lifecoach.js';

export interface LavfiCameraOptions {
  size?: string;
  rate?: number;
  /** noise strength (ffmpeg noise filter alls), 0 = none. */
  noise?: number;
  /** Any lavfi source instead of testsrc2 (e.g. `color=c=black`). */
  source?: string;
  /** Adds the random patch (default: only for testsrc2); false: every capture is byte-identical (a frozen camera). */
  live?: boolean;
  /** Skip `realtime` pacing. */
  unpaced?: boolean;
  overrides?: Record<string, unknown>;
}

/** The lavfi graph of a stand-in webcam. */
export function lavfiGraph(options: LavfiCameraOptions = {}): string {
  const size = options.size ?? '1280x720';
  const rate = options.rate ?? 15;
  const source = options.source ?? 'testsrc2';
  let base = `${source}${source.includes('=') ? ':' : '='}size=${size}:rate=${rate}`;
  // lavfi sources and noise are deterministic (fixed seeds): the same frame index encodes to the
  // same JPEG every time, which the quality check rightly calls frozen. A small Game of Life
  // patch with a random seed makes each capture differ, as a live sensor's does.
  if (options.live ?? options.source === undefined) base += `[a];life=size=32x32:rate=${rate}:ratio=0.5:mold=0[b];[a][b]overlay=x=8:y=8`;
  const parts = [base];
  const noise = options.noise ?? 24;
  if (noise > 0) parts.push(`noise=alls=${noise}:allf=t+u`);
  if (!options.unpaced) parts.push('realtime');
  return parts.join(',');
}

/** A parsed camera config for a lavfi stand-in webcam. */
export function lavfiCamera(name: string, options: LavfiCameraOptions = {}): CameraConfig {
  return camera.parse({ name, input: lavfiGraph(options), format: 'lavfi', settle_frames: 5, timeout: '15s', ...options.overrides });
}
