/**
 * Life coach benchmark. Prints:
 *  - stills: both webcams (ffmpeg lavfi testsrc2 1280x720 at 30 fps, paced in real time, with
 *    noise; default settle frames) captured one after the other and downscaled to 1024 px —
 *    wall time per round and the size of each JPEG. Targets: round ≤ 2 s, each still ≤ 150 KB.
 *    Anchor: bare ffmpeg reading one frame of the same source into the null muxer (what ffmpeg
 *    alone costs on this machine right now).
 *  - check-in: a whole CheckinRunner check-in (facts, both stills, context, prompt, model call,
 *    validation, fact check, SQLite record) against the Ollama stand-in answering at once.
 *    hearth's share = total − capture (the instant model's HTTP round trip stays in: an
 *    overestimate). Target ≤ 300 ms. Anchor: one POST of the same size to the stand-in.
 *  - RSS of this process before and at its peak during the check-ins.
 *  - the hub's RSS: `hearth run` as a child process against the bench stack (real HA and
 *    Mosquitto) with the coach configured (two paced lavfi webcams, the stand-in), VmRSS while
 *    the coach is idle and its peak (sampled every 20 ms) during check-ins through
 *    `POST /api/checkin`. Targets: idle ≤ 80 MB, peak ≤ idle + 40 MB. Anchor: the same hub
 *    without the coach's sections (an idle unit), measured in the same run.
 *
 *   npx tsx bench/lifecoach.ts [--runs 5] [--no-hub]
 */
import { DEPLOYED_NODE_FLAGS } from './lib/deployed.js';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { CheckinRunner } from '../src/lifecoach/checkin/runner.js';
import { camera, captureWhen, checkinSettings, ollamaSettings } from '../src/config/lifecoach.js';
import { createOllamaClient } from '../src/lifecoach/ollama/client.js';
import { createCameraSet } from '../src/lifecoach/stills/camera-set.js';
import { createCheckinStore } from '../src/lifecoach/store.js';
import { lavfiCamera, lavfiGraph } from '../tests/stand-ins/lavfi-cameras.js';
import { startOllamaStandIn } from '../tests/stand-ins/ollama-server.js';
import { MORNING, TZ, person, routines, todos } from '../tests/unit/lifecoach/fixtures.js';
import { benchStack, stopBenchStack } from './lib/bench-stack.js';
import { compileHearth } from './lib/compile.js';
import { startHubProcess } from './lib/hub-process.js';
import { fmt, loadAverage, MB, memory, sleep, summarize, table } from './lib/stats.js';

export const TARGETS = { roundMs: 2000, stillBytes: 150 * 1024, shareMs: 300, hubIdleMb: 80, hubPeakExtraMb: 40 };

const CAMERA = { size: '1280x720', rate: 30 } as const;

function option(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  const value = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number >= 1`);
  return value;
}

function ffmpegAnchorMs(): number {
  const started = performance.now();
  const out = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', lavfiGraph(CAMERA), '-frames:v', '1', '-f', 'null', '-'], {
    stdio: 'ignore',
  });
  if (out.status !== 0) throw new Error('ffmpeg anchor run failed');
  return performance.now() - started;
}

const answer = JSON.stringify({
  summary: 'Meds first',
  message: 'Good morning Sam, your meds are waiting.',
  observations: [],
  routines: [{ id: 'morning-meds', suggestion: 'do_now' }],
});

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  const runs = option(argv, '--runs', 5);
  // The cameras' configured defaults (settle frames, size, quality), only the source is lavfi.
  const defaults = { settle_frames: camera.parse({ name: 'x', device: '/dev/null' }).settle_frames };
  const cameras = [lavfiCamera('desk', { ...CAMERA, overrides: defaults }), lavfiCamera('kitchen', { ...CAMERA, overrides: defaults })];
  console.log(`lifecoach: ${runs} runs; load average ${loadAverage()}`);

  // --- stills ---------------------------------------------------------------------------
  const set = createCameraSet({ cameras });
  const rounds: number[] = [];
  const sizes: number[] = [];
  const anchors: number[] = [];
  for (let i = 0; i < runs; i++) {
    anchors.push(ffmpegAnchorMs());
    const started = performance.now();
    const round = await set.captureAll('bench');
    rounds.push(performance.now() - started);
    if (round.failures.length)
      throw new Error(`capture failed: ${round.failures.map((f) => `${f.camera} ${f.reason} ${f.detail}`).join('; ')}`);
    for (const s of round.stills) {
      if (Math.max(s.width, s.height) !== 1024)
        throw new Error(`still ${s.camera} is ${s.width}x${s.height}, not 1024 px on the long edge`);
      sizes.push(s.jpeg.length);
    }
  }
  const r = summarize(rounds);
  const b = summarize(sizes);
  const a = summarize(anchors);
  console.log(
    `\nstills: 2 lavfi webcams ${CAMERA.size}@${CAMERA.rate} (paced, noise, ${cameras[0]!.settle_frames} settle frames) → 1024 px JPEG`,
  );
  console.log(
    table(
      ['figure', 'p50', 'max', 'target', 'verdict'],
      [
        ['both stills, ms', fmt(r.p50, 0), fmt(r.max, 0), `≤ ${TARGETS.roundMs}`, r.max <= TARGETS.roundMs ? 'ok' : 'OVER'],
        [
          'one still, KB',
          fmt(b.p50 / 1024, 0),
          fmt(b.max / 1024, 0),
          `≤ ${TARGETS.stillBytes / 1024}`,
          b.max <= TARGETS.stillBytes ? 'ok' : 'OVER',
        ],
        ['anchor: bare ffmpeg, 1 frame, ms', fmt(a.p50, 0), fmt(a.max, 0), '', ''],
      ],
    ),
  );

  // --- check-in with an instant model -----------------------------------------------------
  const standIn = await startOllamaStandIn();
  try {
    standIn.set({ answer: () => answer, chunkSize: 64 });
    const settings = ollamaSettings.parse({ host: standIn.url });
    const runner = new CheckinRunner({
      person,
      timezone: TZ,
      settings: checkinSettings.parse({ daily: ['08:30'] }),
      captureWhen: captureWhen.parse({}),
      clock: { now: () => MORNING },
      sources: { routines: () => routines, todos: async () => todos, presence: () => ({ home: true, room: 'office' }) },
      cameras: createCameraSet({ cameras }),
      camerasOn: () => true,
      model: createOllamaClient(settings),
      modelOptions: { num_ctx: settings.num_ctx },
      store: createCheckinStore(new Database(':memory:')),
      notifier: { deliver: async () => {} },
    });
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
    const shares: number[] = [];
    const totals: number[] = [];
    const modelMs: number[] = [];
    await runner.run('manual'); // warm: first-run JIT and module loading are not the steady state
    for (let i = 0; i < runs; i++) {
      const record = await runner.run('manual');
      if (record.outcome !== 'model') throw new Error(`check-in fell back: ${record.reason}`);
      totals.push(record.timings.total_ms);
      shares.push(record.timings.total_ms - (record.timings.capture_ms ?? 0));
      modelMs.push(record.timings.model_ms ?? 0);
    }
    clearInterval(sampler);
    const body = JSON.stringify({
      model: settings.model,
      messages: [{ role: 'user', content: 'x', images: [Buffer.alloc(150 * 1024, 1).toString('base64')] }],
      stream: false,
    });
    const posts: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await fetch(`${standIn.url}/api/unknown`, { method: 'POST', body }).then((res) => res.arrayBuffer());
      posts.push(performance.now() - started);
    }
    const s = summarize(shares);
    const t = summarize(totals);
    const m = summarize(modelMs);
    const p = summarize(posts);
    console.log(`\ncheck-in with an instantly answering model (stand-in), ${runs} runs after one warm-up`);
    console.log(
      table(
        ['figure', 'p50', 'max', 'target', 'verdict'],
        [
          [
            "hearth's share (total − capture), ms",
            fmt(s.p50, 0),
            fmt(s.max, 0),
            `≤ ${TARGETS.shareMs}`,
            s.max <= TARGETS.shareMs ? 'ok' : 'OVER',
          ],
          ['  of it: model call (show + chat), ms', fmt(m.p50, 0), fmt(m.max, 0), '', ''],
          ['whole check-in, ms', fmt(t.p50, 0), fmt(t.max, 0), '', ''],
          ['anchor: one 200 KB POST round trip, ms', fmt(p.p50, 1), fmt(p.max, 1), '', ''],
          ['RSS before / peak, MB', fmt(rssBefore / MB, 0), fmt(rssPeak / MB, 0), '', `+${fmt((rssPeak - rssBefore) / MB, 0)} MB`],
        ],
      ),
    );
  } finally {
    await standIn.close();
  }
  if (!argv.includes('--no-hub')) await hubRss(runs);
  return 0;
}

/** VmRSS of a hub process after it settled: the lowest of a few samples a second apart (GC timing). */
async function settledRss(pid: number): Promise<number> {
  await sleep(5_000);
  let low = Infinity;
  for (let i = 0; i < 5; i++) {
    low = Math.min(low, memory(pid).rss);
    await sleep(1_000);
  }
  return low;
}

/** The hub's RSS with the coach idle and at its peak during check-ins, beside the hub without the coach. */
async function hubRss(runs: number): Promise<void> {
  const { stack } = await benchStack();
  const standIn = await startOllamaStandIn();
  standIn.set({ answer: () => answer, chunkSize: 64 });
  // As the Nix package runs it: tsc output, no transpiler in the process.
  const compiled = compileHearth();
  try {
    // With the node flags the hub's service runs with (bench/lib/deployed.ts, nix/module.nix).
    const anchor = await startHubProcess(stack, { schedules: 'never', compiled, nodeFlags: DEPLOYED_NODE_FLAGS });
    const anchorRss = await settledRss(anchor.pid).finally(() => anchor.stop());

    const hub = await startHubProcess(stack, {
      schedules: 'never',
      compiled,
      nodeFlags: DEPLOYED_NODE_FLAGS,
      configure: (config) =>
        Object.assign(config, {
          cameras: [
            { name: 'desk', input: lavfiGraph(CAMERA), format: 'lavfi' },
            { name: 'kitchen', input: lavfiGraph({ ...CAMERA, source: 'smptehdbars', live: true }), format: 'lavfi' },
          ],
          checkins: { when_away: 'normal', in_quiet_hours: 'normal', data_first: false },
          ollama: { host: standIn.url },
          lifecoach: { capture_when: { person_home: false } },
        }),
    });
    try {
      const idle = await settledRss(hub.pid);
      let peak = idle;
      const sampler = setInterval(() => {
        try {
          peak = Math.max(peak, memory(hub.pid).rss);
        } catch {
          // the process is gone: the check-ins below fail and say so
        }
      }, 20);
      const outcomes: string[] = [];
      for (let i = 0; i < runs; i++)
        outcomes.push((await hub.api<{ outcome: string; reason: string | null }>('POST', '/api/checkin?wait=1')).outcome);
      clearInterval(sampler);
      const after = await settledRss(hub.pid);
      if (outcomes.some((o) => o !== 'model')) throw new Error(`a check-in in the hub fell back (${outcomes.join(', ')})`);
      console.log(`
the hub's memory (VmRSS of \`node dist/src/cli.js run\`, compiled as the Nix package runs it; real HA + Mosquitto), ${runs} check-ins through POST /api/checkin`);
      console.log(
        table(
          ['figure', 'MB', 'target', 'verdict'],
          [
            ['coach configured, idle', fmt(idle / MB, 0), `≤ ${TARGETS.hubIdleMb}`, idle / MB <= TARGETS.hubIdleMb ? 'ok' : 'OVER'],
            [
              'peak during check-ins',
              fmt(peak / MB, 0),
              `≤ idle + ${TARGETS.hubPeakExtraMb}`,
              (peak - idle) / MB <= TARGETS.hubPeakExtraMb
                ? `ok (+${fmt((peak - idle) / MB, 0)})`
                : `OVER (+${fmt((peak - idle) / MB, 0)})`,
            ],
            ['idle again, 5 s after', fmt(after / MB, 0), '', ''],
            ['anchor: the same hub without the coach', fmt(anchorRss / MB, 0), '', ''],
          ],
        ),
      );
    } finally {
      await hub.stop();
    }
  } finally {
    compiled.remove();
    await standIn.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    process.exitCode = await main();
  } finally {
    await stopBenchStack();
  }
}
