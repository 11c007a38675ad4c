/** The pure parts of stills: ffmpeg arguments, JPEG completeness, error words, quality. */
import { describe, expect, it } from 'vitest';
import { camera } from '../../../src/config/lifecoach.js';
import { classifyFfmpegError, lastErrorLine } from '../../../src/lifecoach/stills/capture.js';
import { ffmpegArgs, filterGraph, inputArgs } from '../../../src/lifecoach/stills/ffmpeg-args.js';
import { completeJpeg } from '../../../src/lifecoach/stills/jpeg.js';
import { judgeStill } from '../../../src/lifecoach/stills/quality.js';

describe('ffmpeg arguments', () => {
  it('V4L2 with its pixel format and size; masks before the scale; one JPEG on stdout', () => {
    const spec = camera.parse({
      name: 'desk',
      device: '/dev/v4l/by-id/cam',
      input_format: 'mjpeg',
      video_size: '1920x1080',
      masks: [{ x: 0.5, y: 0, width: 0.5, height: 0.25 }],
    });
    expect(inputArgs(spec)).toEqual(['-f', 'v4l2', '-input_format', 'mjpeg', '-video_size', '1920x1080', '-i', '/dev/v4l/by-id/cam']);
    expect(filterGraph(spec)).toBe(
      "select='gte(n\\,15)',drawbox=x=iw*0.5:y=ih*0:w=iw*0.5:h=ih*0.25:color=black:t=fill,scale='min(iw,1024)':'min(ih,1024)':force_original_aspect_ratio=decrease,signalstats,metadata=mode=print:key=lavfi.signalstats.YAVG",
    );
    expect(ffmpegArgs(spec).slice(-14)).toEqual([
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
      '5',
      'pipe:1',
    ]);
    expect(ffmpegArgs(spec)).toContain('-nostdin');
  });

  it('a snapshot URL: no settle frames, jpeg_pipe, its own network timeout', () => {
    const spec = camera.parse({ name: 'door', url: 'http://127.0.0.1:8081/snap.jpg' });
    expect(inputArgs(spec)).toEqual(['-rw_timeout', '5000000', '-f', 'jpeg_pipe', '-i', 'http://127.0.0.1:8081/snap.jpg']);
    expect(filterGraph(spec)).not.toContain('select');
  });
});

describe('JPEG completeness', () => {
  const jpeg = Buffer.from([
    0xff, 0xd8, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x02, 0x40, 0x04, 0x00, 0x01, 0x01, 0x11, 0x00, 0xff, 0xda, 0x00, 0x02, 0x12, 0x34, 0xff,
    0xd9,
  ]);
  it('reads the size of a complete one', () => {
    expect(completeJpeg(jpeg)).toEqual({ width: 1024, height: 576 });
  });
  it('refuses a cut-off, an empty and a non-JPEG', () => {
    expect(completeJpeg(jpeg.subarray(0, jpeg.length - 1))).toBeUndefined();
    expect(completeJpeg(Buffer.alloc(0))).toBeUndefined();
    expect(completeJpeg(Buffer.from('\x89PNG\r\n\x1a\n'))).toBeUndefined();
    const noFrame = Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02, 0x00, 0xff, 0xd9]);
    expect(completeJpeg(noFrame)).toBeUndefined();
  });
});

describe('ffmpeg error words', () => {
  it('tells missing, busy, permission, HTTP error and unreachable apart', () => {
    expect(classifyFfmpegError('[video4linux2,v4l2 @ 0x1] Cannot open video device /dev/video9: No such file or directory')).toBe(
      'missing',
    );
    expect(classifyFfmpegError('[video4linux2,v4l2 @ 0x1] ioctl(VIDIOC_STREAMON): Device or resource busy')).toBe('busy');
    expect(classifyFfmpegError('/dev/video0: Permission denied')).toBe('permission');
    expect(classifyFfmpegError('[http @ 0x1] HTTP error 404 Not Found\nhttp://x: Server returned 404 Not Found')).toBe('http_error');
    expect(classifyFfmpegError('[tcp @ 0x1] Connection to tcp://127.0.0.1:9 failed: Connection refused')).toBe('unreachable');
    expect(classifyFfmpegError('Invalid data found when processing input')).toBe('ffmpeg_failed');
  });
  it('keeps the last line that says something', () => {
    expect(lastErrorLine('Input #0\n[Parsed_metadata_4 @ 0x1] lavfi.signalstats.YAVG=12\n/dev/video9: No such file or directory\n\n')).toBe(
      '/dev/video9: No such file or directory',
    );
  });
});

describe('quality', () => {
  it('frozen wins over dark; unmeasured luma is not dark', () => {
    expect(judgeStill({ digest: 'a', previousDigest: 'a', luma: 3, darkBelow: 16 })).toBe('frozen');
    expect(judgeStill({ digest: 'a', previousDigest: 'b', luma: 3, darkBelow: 16 })).toBe('dark');
    expect(judgeStill({ digest: 'a', darkBelow: 16 })).toBe('ok');
  });
});
