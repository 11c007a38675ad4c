/**
 * The ffmpeg command line for one still: input (V4L2 device, HTTP snapshot, any ffmpeg input),
 * then one filter graph that drops the first frames (exposure settles), blacks out the privacy
 * masks, downscales (never up) and measures the mean luma, and one JPEG on stdout. Pure.
 *
 * The masks come first in the graph, so the luma figure, the JPEG and everything downstream
 * only ever see the masked image. Filters: ffmpeg-filters(1) select, drawbox, scale
 * (force_original_aspect_ratio=decrease inside a min(iw,N) box never upscales), signalstats
 * (YAVG), metadata=mode=print (logged at info level on stderr, parsed by capture.ts).
 */
import type { CameraConfig, PrivacyMask } from '../../config/lifecoach.js';

/** The capture-relevant part of a camera's config. */
export type CaptureSpec = Pick<
  CameraConfig,
  'name' | 'device' | 'url' | 'input' | 'format' | 'input_format' | 'video_size' | 'settle_frames' | 'max_edge' | 'jpeg_quality' | 'masks'
>;

/** Where the luma figure appears on ffmpeg's stderr. */
export const LUMA_KEY = 'lavfi.signalstats.YAVG';

/** ffmpeg's input options and `-i`, by source kind. */
export function inputArgs(spec: CaptureSpec): string[] {
  if (spec.url !== undefined) {
    // A snapshot URL answers one JPEG per request (read as jpeg_pipe: the image2 demuxer's probe
    // fails on a keep-alive HTTP answer); ffmpeg's own network timeout (µs) is a first guard,
    // the capture's process-group kill the last one.
    return ['-rw_timeout', '5000000', '-f', spec.format ?? 'jpeg_pipe', '-i', spec.url];
  }
  const args: string[] = [];
  const format = spec.format ?? (spec.device !== undefined ? 'v4l2' : undefined);
  if (format !== undefined) args.push('-f', format);
  if (spec.input_format !== undefined) args.push('-input_format', spec.input_format);
  if (spec.video_size !== undefined) args.push('-video_size', spec.video_size);
  args.push('-i', spec.device ?? spec.input ?? '');
  return args;
}

const fraction = (n: number): string => String(Math.round(n * 10000) / 10000);

/** `drawbox` filling one mask with black, in fractions of the input frame. */
export function maskFilter(mask: PrivacyMask): string {
  return `drawbox=x=iw*${fraction(mask.x)}:y=ih*${fraction(mask.y)}:w=iw*${fraction(mask.width)}:h=ih*${fraction(mask.height)}:color=black:t=fill`;
}

/** The filter graph: settle → masks → downscale → luma. */
export function filterGraph(spec: CaptureSpec): string {
  // A snapshot URL yields one frame: nothing to settle (unless `format` makes it a stream).
  const settle = spec.url !== undefined && spec.format === undefined ? 0 : spec.settle_frames;
  const filters: string[] = [];
  if (settle > 0) filters.push(`select='gte(n\\,${settle})'`);
  filters.push(...spec.masks.map(maskFilter));
  const edge = spec.max_edge;
  filters.push(`scale='min(iw,${edge})':'min(ih,${edge})':force_original_aspect_ratio=decrease`);
  filters.push('signalstats', `metadata=mode=print:key=${LUMA_KEY}`);
  return filters.join(',');
}

/** The whole argument list (without the ffmpeg binary). */
export function ffmpegArgs(spec: CaptureSpec): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-loglevel',
    'info',
    ...inputArgs(spec),
    '-vf',
    filterGraph(spec),
    // Dropped frames must not be made up again by frame-rate conversion.
    '-fps_mode',
    'passthrough',
    '-frames:v',
    '1',
    '-an',
    '-sn',
    '-dn',
    '-f',
    'image2pipe',
    '-c:v',
    'mjpeg',
    '-q:v',
    String(spec.jpeg_quality),
    'pipe:1',
  ];
}
