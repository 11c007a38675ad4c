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
 *  - the hub's RSS: `hearth run` compiled, with the deployed node flags (bench/lib/deployed.ts),
 *    as a child process against the bench stack (real HA and Mosquitto) with the coach
 *    (two paced lavfi webcams, the stand-in, no schedule) and the dashboard (`sync: true`)
 *    configured and idle: VmRSS at rest (after the dashboard's sync), after `--changes` HA
 *    state changes (hearth_load inside HA, 2,000 entities, as bench/hub-load.ts), then its peak
 *    (sampled every 20 ms) during check-ins through `POST /api/checkin`. Targets: ≤ 80 MB at
 *    rest and after the changes, peak ≤ that + 40 MB. Anchor: the same hub without the
 *    coach's and the dashboard's sections, measured in the same run.
 *
 *   npx tsx bench/lifecoach.ts [--runs 5] [--changes 100000] [--no-hub]
 */
import { benchOptions, numberOption } from './lib/args.js';
import { DEPLOYED_NODE_FLAGS } from './lib/deployed.js';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { CheckinRunner } from '../src/lifecoach/checkin/runner.js';
import { camera, captureWhen, checkinSettings, ollamaSettings } from '../src/config/lifecoach.js';
import { createOllamaClient } from '../src/lifecoach/ollama/client.js';
import { createCameraSet } from '../src/lifecoach/stills/camera-set.js';
import { createCheckinStore } from '../src/lifecoach/store.js';
import { lavfiCamera, lavfiGraph } from '../tests/stand-ins/lavfi-cameras.js';
import { startOllamaStandIn } from '../tests/stand-ins/ollama-server.js';
import { MORNING, TZ, person, routines, todos } from '../tests/unit/lifecoach/fixtures.js';
import type { Stack } from '../tests/stack/stack.js';
import { benchStack, stopBenchStack } from './lib/bench-stack.js';
import { compileHearth, type Compiled } from './lib/compile.js';
import { startHubProcess } from './lib/hub-process.js';
import { fmt, loadAverage, MB, memory, sleep, summarize, table } from './lib/stats.js';
import { loadService } from './lib/hearth-load.js';

export const TARGETS = { roundMs: 2000, stillBytes: 150 * 1024, shareMs: 300, hubIdleMb: 80, hubPeakExtraMb: 40 };

const CAMERA = { size: '1280x720', rate: 30 } as const;

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
  const o = benchOptions(argv, ['runs', 'changes']);
  const runs = numberOption(o.runs, 'runs', 5, (n) => Number.isInteger(n) && n >= 1, 'a whole number >= 1');
  const changes = numberOption(o.changes, 'changes', 100_000, (n) => Number.isInteger(n) && n >= 0, 'a whole number >= 0');
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
  if (!argv.includes('--no-hub')) await hubRss(runs, changes);
  return 0;
}

/** VmRSS of a hub process after it settled: the lowest of a few samples a second apart (GC timing). */
async function settledMemory(pid: number): Promise<Memory> {
  await sleep(5_000);
  let low: Memory | undefined;
  for (let i = 0; i < 5; i++) {
    const m = memory(pid);
    if (!low || m.rss < low.rss) low = m;
    await sleep(1_000);
  }
  return low!;
}

type Memory = ReturnType<typeof memory>;

/** What hearth_load reports (bench/lib/ha/). */
/** The coach's and the dashboard's sections of the bench hub's hearth.yaml: configured, idle (no schedule). */
export function coachAndDashboard(ollamaUrl: string): (config: Record<string, unknown>) => void {
  return (config) =>
    Object.assign(config, {
      cameras: [
        { name: 'desk', input: lavfiGraph(CAMERA), format: 'lavfi' },
        { name: 'kitchen', input: lavfiGraph({ ...CAMERA, source: 'smptehdbars', live: true }), format: 'lavfi' },
      ],
      checkins: { when_away: 'normal', in_quiet_hours: 'normal', data_first: false },
      ollama: { host: ollamaUrl },
      lifecoach: { capture_when: { person_home: false } },
      dashboard: { sync: true },
    });
}

export interface HubMemoryFigures {
  /** Settled, after start (and the dashboard's one sync). */
  rest: Memory;
  /** Settled, after `changes` state changes made inside HA. */
  afterLoad: Memory;
  changes: number;
  /** With `checkins`: the peak during them and the settled RSS after. */
  checkins?: { peak: number; after: Memory; outcomes: string[] };
}

/**
 * One hub process (`compiled`, the deployed node flags): its settled memory at rest, after
 * `changes` HA state changes (hearth_load: `entities` extra entities changed round-robin inside
 * HA, as bench/hub-load.ts makes them), then, with `checkins`, through that many check-ins.
 * `configure` adds the coach's and dashboard's sections (or nothing: the anchor).
 */
export async function hubMemory(
  stack: Stack,
  compiled: Pick<Compiled, 'cli' | 'probe'>,
  options: { configure?: (config: Record<string, unknown>) => void; changes: number; entities?: number; checkins?: number },
): Promise<HubMemoryFigures> {
  await loadService(stack.conn, 'clear');
  const hub = await startHubProcess(stack, {
    schedules: 'never',
    compiled,
    nodeFlags: DEPLOYED_NODE_FLAGS,
    ...(options.configure ? { configure: options.configure } : {}),
  });
  try {
    if (options.configure) await dashboardSynced(hub.logFile);
    const rest = await settledMemory(hub.pid);
    const load = options.changes
      ? await loadService(stack.conn, 'start', {
          entities: options.entities ?? 2000,
          rate: 2000,
          changes: options.changes,
          duration: 3600,
          wait: true,
        })
      : { changes: 0, achieved_rate: 0 };
    const afterLoad = await settledMemory(hub.pid);
    const figures: HubMemoryFigures = { rest, afterLoad, changes: load.changes };
    if (options.checkins) {
      let peak = afterLoad.rss;
      const sampler = setInterval(() => {
        try {
          peak = Math.max(peak, memory(hub.pid).rss);
        } catch {
          // the process is gone: the check-ins below fail and say so
        }
      }, 20);
      const outcomes: string[] = [];
      try {
        for (let i = 0; i < options.checkins; i++)
          outcomes.push((await hub.api<{ outcome: string; reason: string | null }>('POST', '/api/checkin?wait=1')).outcome);
      } finally {
        clearInterval(sampler);
      }
      figures.checkins = { peak, after: await settledMemory(hub.pid), outcomes };
    }
    return figures;
  } finally {
    await hub.stop();
    await loadService(stack.conn, 'clear').catch(() => undefined);
  }
}

/** Waits (bounded) until the hub's dashboard unit logged the end of its sync, so "at rest" is after it. */
async function dashboardSynced(logFile: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const text = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    if (/"unit":"dashboard"[^\n]*"msg":"dashboard sync/.test(text) || /"msg":"dashboard synced"/.test(text)) return;
    if (/"unit":"dashboard"[^\n]*"level":(40|50)/.test(text)) return;
    await sleep(500);
  }
  console.log('(the dashboard did not log the end of its sync within 120 s: measured anyway)');
}

/**
 * The hub's RSS with the coach and the dashboard configured and idle, at rest and after
 * `changes` HA state changes, then its peak during check-ins; beside the same hub without them.
 */
async function hubRss(runs: number, changes: number): Promise<void> {
  const { stack } = await benchStack();
  const standIn = await startOllamaStandIn();
  standIn.set({ answer: () => answer, chunkSize: 64 });
  // As the Nix package runs it: tsc output, no transpiler in the process.
  const compiled = compileHearth();
  try {
    const anchor = await hubMemory(stack, compiled, { changes });
    const hub = await hubMemory(stack, compiled, { configure: coachAndDashboard(standIn.url), changes, checkins: runs });
    const c = hub.checkins!;
    if (c.outcomes.some((o) => o !== 'model')) throw new Error(`a check-in in the hub fell back (${c.outcomes.join(', ')})`);
    const verdict = (m: Memory) => (m.rss / MB <= TARGETS.hubIdleMb ? 'ok' : 'OVER');
    const row = (label: string, m: Memory, target = '', v = ''): string[] => [
      label,
      fmt(m.rss / MB),
      fmt(m.anon / MB),
      fmt(m.file / MB),
      target,
      v,
    ];
    console.log(`
the hub's memory (VmRSS of \`node dist/src/cli.js run\` with NODE_OPTIONS=${DEPLOYED_NODE_FLAGS.join(' ')}, compiled as the Nix package
runs it; real HA + Mosquitto): the coach (two lavfi webcams, the stand-in, no schedule) and the dashboard (sync: true, after its
sync) configured and idle; ${hub.changes} HA state changes (hearth_load, 2,000 entities); then ${runs} check-ins through
POST /api/checkin; load average ${loadAverage()}`);
    console.log(
      table(
        ['figure', 'VmRSS MB', 'anon MB', 'file MB', 'target', 'verdict'],
        [
          row('coach + dashboard idle, at rest', hub.rest, `≤ ${TARGETS.hubIdleMb}`, verdict(hub.rest)),
          row(`  after ${hub.changes} changes`, hub.afterLoad, `≤ ${TARGETS.hubIdleMb}`, verdict(hub.afterLoad)),
          [
            '  peak during check-ins',
            fmt(c.peak / MB),
            '',
            '',
            `≤ idle + ${TARGETS.hubPeakExtraMb}`,
            `${(c.peak - hub.afterLoad.rss) / MB <= TARGETS.hubPeakExtraMb ? 'ok' : 'OVER'} (+${fmt((c.peak - hub.afterLoad.rss) / MB, 0)})`,
          ],
          row('  idle again after the check-ins', c.after),
          row('anchor: the hub without them, at rest', anchor.rest),
          row(`  after ${anchor.changes} changes`, anchor.afterLoad),
        ],
      ),
    );
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
