/**
 * Why the presence engine is slow where it is slow: replays the realistic radio's scenarios on
 * the given seeds (tuning seeds, never the held-out ones) and lists the slowest 5 % of room
 * switches, every stay never seen, and every homecoming whose first room was wrong or late —
 * each with the scenario, the rooms, what each node reported (filtered, per device), what each
 * device and the person showed, and the estimator's posterior, second by second. A debugging
 * aid for the bench, not shipped.
 *
 *   npx tsx bench/lib/radio/diagnose.ts [--seeds 1,2,3] [--hours 2] [--doors | --entrance] [--share 5] [--scenario walks]
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { PersonPresence } from '../../../src/hub/presence/core/engine.js';
import { AWAY } from '../../../src/hub/presence/core/engine.js';
import { replayRadio } from './replay.js';
import { RADIO_SCENARIOS, type RadioScenario, type RadioTrace, simulateRadio } from './simulate.js';
import { type Change, roomAt } from '../presence/evaluate.js';

export interface Case {
  kind: 'switch' | 'not seen' | 'homecoming';
  scenario: RadioScenario;
  seed: number;
  from: string;
  to: string;
  /** ms */
  start: number;
  end: number;
  /** s; Infinity when never seen. */
  delay: number;
  trace: RadioTrace;
}

/** Stays (≥ 30 s, after the 60 s warm-up) with their delays, and homecomings not right within 10 s, as the bench scores them. */
export function casesOf(trace: RadioTrace, detected: readonly Change[]): Case[] {
  const out: Case[] = [];
  const t = trace.truth;
  const end = t.at(-1)!.t + 1000;
  for (let k = 1; k < t.length; k++) {
    const s = { start: t[k]!.t, end: t[k + 1]?.t ?? end, room: t[k]!.room };
    const base = { scenario: trace.scenario, seed: trace.seed, from: t[k - 1]!.room, to: s.room, start: s.start, end: s.end, trace };
    if (s.room !== AWAY && t[k - 1]!.room === AWAY) {
      const lastAway = [...detected].reverse().find((c) => c.room === AWAY && c.t <= s.start + 10_000);
      const shown = lastAway ? detected.find((c) => c.t > lastAway.t && c.room !== AWAY && c.room !== null) : undefined;
      const ok = shown && shown.t <= s.start + 10_000 && shown.room === s.room;
      if (!ok) out.push({ ...base, kind: 'homecoming', delay: shown ? (shown.t - s.start) / 1000 : Infinity });
    }
    if (s.start < 60_000 || s.end - s.start < 30_000 || s.room === AWAY) continue;
    let seenAt: number | undefined;
    if (roomAt(detected, s.start) === s.room) seenAt = s.start;
    else seenAt = detected.find((c) => c.t >= s.start && c.t < s.end && c.room === s.room)?.t;
    out.push({
      ...base,
      kind: seenAt === undefined ? 'not seen' : 'switch',
      delay: seenAt === undefined ? Infinity : (seenAt - s.start) / 1000,
    });
  }
  return out;
}

const mmss = (ms: number): string => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/**
 * Why a case was slow, from what the engine saw during the first 20 s of the stay: every node
 * unavailable (nothing known), the room's own node unavailable (offline), or per device the
 * share of seconds the room's own node was the strongest (low: the radio puts the device
 * elsewhere — a node on a shared wall, the body — only fingerprints can tell; high: the
 * estimator held on although the own node led), and the share the previous room's node did
 * not hear the device at all (silent old room).
 */
export function classify(c: Case, doors: boolean, entrance = false): string {
  const tr = c.trace;
  const to = Math.min(c.end, c.start + 20_000);
  const own = `${c.to}-presence`;
  const old = `${c.from}-presence`;
  let n = 0;
  let blind = 0;
  let offline = 0;
  const best = new Map<string, number>();
  const silentOld = new Map<string, number>();
  replayRadio(tr, {
    adjacency: doors,
    entrance,
    probe: (t: number, p: PersonPresence) => {
      if (t < c.start || t >= to || t % 1000 !== 0) return;
      n++;
      const devices = Object.entries(p.evidence);
      if (devices.every(([, e]) => Object.keys(e.rssi).length === 0 && e.unheard.length === 0)) blind++;
      if (devices.some(([, e]) => e.unavailable.includes(own))) offline++;
      for (const [tracker, e] of devices) {
        const top = Object.entries(e.rssi).sort((a, b) => b[1] - a[1])[0]?.[0];
        if (top === own) best.set(tracker, (best.get(tracker) ?? 0) + 1);
        if (e.unheard.includes(old)) silentOld.set(tracker, (silentOld.get(tracker) ?? 0) + 1);
      }
    },
  });
  if (!n) return '';
  if (blind / n > 0.5) return 'nothing known (every node unavailable)';
  const parts: string[] = [];
  if (offline / n > 0.5) parts.push('own node offline');
  for (const tracker of tr.devices.map((d) => d.tracker)) {
    const short = tracker.replace(/^.*-/, '');
    parts.push(
      `${short}: own node strongest ${Math.round(((best.get(tracker) ?? 0) / n) * 100)} %, old room silent ${Math.round(((silentOld.get(tracker) ?? 0) / n) * 100)} %`,
    );
  }
  return parts.join('; ');
}

/** Second-by-second view of a case: person and device rooms, each node's filtered RSSI per device, posterior. */
export function explain(c: Case, doors: boolean, entrance = false): string {
  const from = c.start - (c.kind === 'homecoming' ? 25_000 : 8000);
  const to = Math.min(c.end, c.start + (Number.isFinite(c.delay) ? Math.max(c.delay, 10) * 1000 + 4000 : 45_000));
  const lines: string[] = [];
  const tr = c.trace;
  const outage = tr.readings.filter((r) => r.missing === 'unavailable' && r.t >= c.start - 30 * 60_000 && r.t <= to);
  const offline = [...new Set(outage.map((r) => r.node))];
  const desk = tr.phoneDown && c.start >= tr.phoneDown.from && c.start < tr.phoneDown.to ? ' phone on desk' : '';
  lines.push(
    `${c.kind} ${c.scenario} seed ${c.seed} @${mmss(c.start)}: ${c.from} -> ${c.to}, ${Number.isFinite(c.delay) ? `${c.delay.toFixed(1)} s` : 'not seen'}` +
      ` (stay ${((c.end - c.start) / 1000).toFixed(0)} s)${desk}${offline.length ? ` unavailable earlier/now: ${offline.join(',')}` : ''}`,
  );
  let nextSecond = from;
  replayRadio(tr, {
    adjacency: doors,
    entrance,
    probe: (t: number, p: PersonPresence) => {
      if (t < nextSecond || t > to) return;
      nextSecond = Math.floor(t / 1000) * 1000 + 1000;
      const truth = roomAt(tr.truth, t);
      const devs = Object.entries(p.evidence).map(([tracker, e]) => {
        const short = tracker.replace(/^.*-/, '');
        const nodes = Object.entries(e.rssi)
          .sort((a, b) => b[1] - a[1])
          .map(([n, v]) => `${n.replace('-presence', '')}${v.toFixed(0)}`)
          .join(' ');
        const post = e.posterior
          ? ' P{' +
            Object.entries(e.posterior)
              .map(([r, v]) => `${r}:${v}`)
              .join(',') +
            '}'
          : '';
        const ch = Object.keys(e.challengers).length ? ` E${JSON.stringify(e.challengers)}` : '';
        const down = e.unavailable.length ? ` down[${e.unavailable.map((n) => n.replace('-presence', '')).join(',')}]` : '';
        return `${short}=${e.room}: ${nodes}${e.unheard.length ? ` unheard[${e.unheard.length}]` : ''}${down}${post}${ch}`;
      });
      lines.push(`  ${mmss(t)} true=${truth} shown=${p.room}  ${devs.join(' | ')}`);
    },
  });
  return lines.join('\n');
}

export function main(argv: string[] = process.argv.slice(2)): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      seeds: { type: 'string', default: '1,2,3,4,5,6,7,8' },
      hours: { type: 'string', default: '2' },
      doors: { type: 'boolean', default: false },
      entrance: { type: 'boolean', default: false },
      share: { type: 'string', default: '5' },
      scenario: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const seeds = values.seeds.split(',').map(Number);
  if (seeds.some((s) => s > 100)) throw new Error('--seeds: the held-out seeds (> 100) are for reporting, not for diagnosis');
  const scenarios = values.scenario ? [values.scenario as RadioScenario] : RADIO_SCENARIOS;
  const cases: Case[] = [];
  for (const scenario of scenarios)
    for (const seed of seeds) {
      const trace = simulateRadio({ scenario, seed, duration: Number(values.hours) * 3600 });
      cases.push(...casesOf(trace, replayRadio(trace, { adjacency: values.doors, entrance: values.entrance })));
    }
  const stays = cases.filter((c) => c.kind !== 'homecoming').sort((a, b) => b.delay - a.delay);
  const slow = stays.slice(0, Math.max(1, Math.ceil((stays.length * Number(values.share)) / 100)));
  const home = cases.filter((c) => c.kind === 'homecoming');
  console.log(
    `${stays.length} stays, ${stays.filter((c) => c.kind === 'not seen').length} not seen; ${home.length} homecomings wrong or late`,
  );
  console.log(`slowest ${values.share} %:`);
  for (const c of slow) {
    const desk = c.trace.phoneDown && c.start >= c.trace.phoneDown.from && c.start < c.trace.phoneDown.to ? ' (phone on desk)' : '';
    const delay = Number.isFinite(c.delay) ? c.delay.toFixed(1) : 'not seen';
    console.log(
      `  ${c.kind} ${c.scenario} seed ${c.seed} @${mmss(c.start)} ${c.from} -> ${c.to} ${delay}${desk}: ${classify(c, values.doors, values.entrance)}`,
    );
  }
  for (const c of home)
    console.log(
      `  homecoming ${c.scenario} seed ${c.seed} @${mmss(c.start)} ${c.to} shown after ${Number.isFinite(c.delay) ? c.delay.toFixed(1) : 'never'}`,
    );
  if (values.quiet) return;
  for (const c of [...slow, ...home]) console.log(`\n${explain(c, values.doors, values.entrance)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
