/**
 * kill -9 of hearth in the middle of a check-in (while ffmpeg hangs on an input that never
 * delivers, like a hung webcam): no ffmpeg outlives its budget (the watchdog in its process
 * group ends it), the store holds no half record, and the next check-in on the same store goes on.
 */
import Database from 'better-sqlite3';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createCheckinStore } from '../../../src/lifecoach/store.js';
import { checkinRecord } from './fixtures.js';

/** Live (not zombie) processes in a process group, from /proc. */
function liveInGroup(pgid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') out.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return out;
}

it('kill -9 mid-capture leaves no ffmpeg and no half record', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-coach-kill-'));
  const fifo = join(dir, 'camera.fifo');
  execFileSync('mkfifo', [fifo]);
  const path = join(dir, 'hearth.sqlite');
  {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'helpers', 'checkin-child.ts'), path, fifo], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pgid = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        const m = /pgid (\d+)/.exec(d.toString());
        if (m) resolve(Number(m[1]));
      });
      child.on('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
    expect(liveInGroup(pgid).length).toBeGreaterThan(0); // ffmpeg (and its watchdog) hang on the FIFO
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    // The watchdog's budget is ceil(3 s) + 2 s; poll generously.
    const end = Date.now() + 20_000;
    while (liveInGroup(pgid).length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(liveInGroup(pgid)).toEqual([]);

    const store = createCheckinStore(new Database(path));
    expect(store.list()).toEqual([]);
    store.save(checkinRecord('next', 1, { trigger: 'manual', finished_at: 2, reason: 'x' }), []);
    expect(store.list().map((r) => r.id)).toEqual(['next']);
  }
}, 60_000);
