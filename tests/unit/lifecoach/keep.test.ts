/** Kept stills: private files written whole, removed after the retention. */
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStillsKeeper } from '../../../src/lifecoach/stills/keep.js';
import type { Still } from '../../../src/lifecoach/stills/camera-set.js';

const still = (camera: string, at: number): Still => ({
  camera,
  jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xd9]),
  width: 1,
  height: 1,
  quality: 'ok',
  digest: 'x',
  capturedAt: at,
});

describe('stills keeper', () => {
  it('writes 0600 files in 0700 folders (also tightening an existing folder) and prunes after the retention', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'hearth-keep-')), 'stills');
    const now = Date.UTC(2026, 10, 30, 12, 0);
    mkdirSync(join(dir, 'desk'), { recursive: true, mode: 0o755 });
    const keeper = createStillsKeeper({ dir, retentionSeconds: 3600, now: () => now });
    const fresh = await keeper.save(still('desk', now));
    const old = await keeper.save(still('desk', now - 2 * 3600_000));
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'desk')).mode & 0o777).toBe(0o700);
    expect(fresh).toMatch(/desk\/2026-11-30T12-00-00\.000Z\.jpg$/);
    expect(old).toMatch(/10-00-00\.000Z\.jpg$/);
    writeFileSync(join(dir, 'desk', 'notes.txt'), 'not a still');
    expect(await keeper.prune()).toBe(1);
    expect(readdirSync(join(dir, 'desk')).sort()).toEqual(['2026-11-30T12-00-00.000Z.jpg', 'notes.txt']);
  });

  it('prunes nothing when the folder does not exist yet', async () => {
    expect(await createStillsKeeper({ dir: '/nonexistent/stills', retentionSeconds: 1 }).prune()).toBe(0);
  });
});
