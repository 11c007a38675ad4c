/** The coach's hearth.yaml sections: defaults, and clear `file: path: message` errors. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatIssue } from '../../../src/config/issues.js';
import { issuesFromZod } from '../../../src/config/zod-issues.js';
import { checkLifecoachRefs, lifecoachRefsFromRaw, lifecoachSections } from '../../../src/config/lifecoach.js';

// The sections as hearthConfig mounts them (the hookup the integrator adds).
const schema = z.object({ people: z.array(z.object({ id: z.string() })), ...lifecoachSections }).strict();

const errors = (input: Record<string, unknown>): string[] => {
  const value = { people: [{ id: 'sam' }], ...input };
  const parsed = schema.safeParse(value);
  return parsed.success ? [] : issuesFromZod(parsed.error, 'hearth.yaml', value, schema).map(formatIssue);
};

describe('lifecoach config', () => {
  it('has working defaults: no cameras, a local Ollama with the 8 GB model, stills not kept', () => {
    const c = schema.parse({ people: [{ id: 'sam' }] });
    expect(c.cameras).toEqual([]);
    expect(c.checkins).toBeUndefined();
    expect(c.ollama).toMatchObject({
      host: 'http://127.0.0.1:11434',
      model: 'qwen3-vl:4b-instruct',
      num_ctx: 8192,
      keep_alive: 600,
      first_token_timeout: 120,
    });
    expect(c.lifecoach).toMatchObject({
      placement: 'same-unit',
      keep_stills: false,
      retention: 7 * 86400,
      capture_when: { person_home: true },
    });
  });

  it('parses cameras, checkins and durations', () => {
    const c = schema.parse({
      people: [{ id: 'sam' }],
      cameras: [
        {
          name: 'desk',
          device: '/dev/v4l/by-id/usb-046d_C920-video-index0',
          input_format: 'mjpeg',
          video_size: '1920x1080',
          masks: [{ x: 0.5, y: 0, width: 0.5, height: 0.25 }],
        },
        { name: 'kitchen', url: 'http://127.0.0.1:8081/snapshot.jpg', timeout: '5s' },
      ],
      checkins: { daily: ['08:30', '19:00'], jitter: '3m', in_quiet_hours: 'short' },
      ollama: { host: 'http://total-eclipse.nebula:11434', keep_alive: '30m', stall_timeout: '15s' },
      lifecoach: { keep_stills: true, retention: '2d', capture_when: { rooms: ['office'] } },
    });
    expect(c.cameras[0]).toMatchObject({ settle_frames: 15, max_edge: 1024, timeout: 10 });
    expect(c.cameras[1]!.timeout).toBe(5);
    expect(c.checkins).toMatchObject({ jitter: 180, warm_up: 120, when_away: 'skip', in_quiet_hours: 'short', recent: 3 });
    expect(c.ollama.keep_alive).toBe(1800);
    expect(c.lifecoach.retention).toBe(172800);
  });

  it('names file, field and problem', () => {
    expect(errors({ cameras: [{ name: 'desk', device: '/dev/video0', url: 'http://127.0.0.1:1/x.jpg' }] })).toEqual([
      'hearth.yaml: cameras[0]: has device and url: give exactly one source',
    ]);
    expect(errors({ cameras: [{ name: '../etc', device: '/dev/video0' }] })[0]).toMatch(/^hearth.yaml: cameras\[0\]\.name: must be an id/);
    expect(errors({ cameras: [{ name: 'desk' }] })).toEqual([
      'hearth.yaml: cameras[0]: needs one source: device (V4L2), url (HTTP snapshot) or input (any ffmpeg input)',
    ]);
    expect(errors({ cameras: [{ name: 'desk', device: '/dev/video0', masks: [{ x: 0.8, y: 0, width: 0.5, height: 0.1 }] }] })[0]).toMatch(
      /cameras\[0\]\.masks\[0\]: must lie inside the frame/,
    );
    expect(errors({ ollama: { host: 'http://total-eclipse.nebula' } })[0]).toMatch(/^hearth.yaml: ollama\.host: must name the port/);
    expect(errors({ ollama: { keep_alive: 'soon' } })[0]).toMatch(/^hearth.yaml: ollama\.keep_alive: "soon" is not a duration/);
    expect(errors({ ollama: { deadline: '30s', first_token_timeout: '60s' } })).toEqual([
      'hearth.yaml: ollama.first_token_timeout: must not be longer than deadline',
    ]);
    expect(errors({ checkins: { daily: ['8:30'] } })[0]).toMatch(/checkins\.daily\[0\]: must be a time of day as HH:MM/);
    expect(errors({ checkins: { daily: ['08:30'], cron: '0 9 * * *' } })).toEqual([
      'hearth.yaml: checkins.cron: give daily or cron, not both',
    ]);
    expect(errors({ lifecoach: { placement: 'remote' } })).toEqual([
      'hearth.yaml: lifecoach.hub: placement remote needs hub.url (where the stills come from)',
    ]);
    expect(errors({ lifecoach: { keep_stils: true } })[0]).toMatch(/lifecoach/);
  });

  it('cross-checks camera names and the check-in person', () => {
    const people = [{ id: 'sam' }, { id: 'alex' }];
    expect(
      checkLifecoachRefs('hearth.yaml', { people, cameras: [{ name: 'desk' }, { name: 'desk' }], checkins: { person: 'sma' } }).map(
        formatIssue,
      ),
    ).toEqual([
      'hearth.yaml: cameras[1].name: camera "desk" is also cameras[0]',
      'hearth.yaml: checkins.person: unknown person "sma"; did you mean "sam"?',
    ]);
    expect(checkLifecoachRefs('hearth.yaml', { people, checkins: {} }).map(formatIssue)).toEqual([
      'hearth.yaml: checkins.person: needed with more than one person (one of sam, alex)',
    ]);
    expect(checkLifecoachRefs('hearth.yaml', { people: [{ id: 'sam' }], checkins: {} })).toEqual([]);
  });

  it('reads the references leniently from a file that failed its schema', () => {
    const raw = {
      people: [{ id: 'sam' }, 'junk'],
      cameras: [{ name: 'desk', device: 1 }, { name: 'desk' }],
      checkins: { person: 'sma', daily: 'bad' },
    };
    expect(checkLifecoachRefs('hearth.yaml', lifecoachRefsFromRaw(raw)).map(formatIssue)).toEqual([
      'hearth.yaml: cameras[1].name: camera "desk" is also cameras[0]',
      'hearth.yaml: checkins.person: unknown person "sma"; did you mean "sam"?',
    ]);
    expect(lifecoachRefsFromRaw(null)).toEqual({ people: [], cameras: [], checkins: undefined });
  });
});

describe('sandbox sections', () => {
  it('are a valid coach configuration', async () => {
    const { sandboxCoachSections } = await import('../../stand-ins/coach-sandbox.js');
    const parsed = schema.safeParse({ people: [{ id: 'sam' }], ...sandboxCoachSections('http://127.0.0.1:11500') });
    expect(parsed.error?.issues ?? []).toEqual([]);
  });
});
