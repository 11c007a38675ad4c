/**
 * ESPHome codegen benchmark: 200 synthetic device specs (all kinds, every tracker type) →
 * YAML. Prints, in ms:
 *  - in-process: loading hearth.yaml + 200 spec files, rendering them, the atomic write;
 *  - whole process, compiled: `node dist/src/cli.js esphome generate` on the temp dir, tsc's
 *    output as the Nix package runs it (bench/lib/compile.ts builds it into a throwaway dir);
 *    the anchor beside it is `node -e 0`, the same node starting and exiting, measured in
 *    the same run (what no start-up work of ours can go below);
 *  - whole process under tsx: `npx tsx src/cli.ts esphome generate` (a person in a clone)
 *    and the same through node_modules/.bin/tsx without npx.
 * Target: the compiled whole process under 1 s. Every figure is a median of `--runs`.
 *
 *   npx tsx bench/codegen.ts [--devices 200] [--runs 5]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { loadHousehold } from '../src/config/load.js';
import { renderHousehold, writeGenerated } from '../src/esphome/generate.js';
import { benchOptions, numberOption } from './lib/args.js';
import { compileHearth } from './lib/compile.js';
import { DEPLOYED_NODE_FLAGS } from './lib/deployed.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const TARGET_MS = 1000;

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0').slice(-width);

/** hearth.yaml with 3 people × (irk, ibeacon, mac) trackers and one routine per button group. */
function syntheticConfig(): Record<string, unknown> {
  const people = ['sam', 'alex', 'robin'];
  return {
    timezone: 'Europe/London',
    people: people.map((id) => ({ id, name: id })),
    trackers: people.flatMap((person, i) => [
      { id: `${person}-phone`, person, type: 'irk', irk: hex(0x1234 + i, 4).repeat(8) },
      { id: `${person}-watch`, person, type: 'ibeacon', uuid: `e2c56db5-dffb-48d2-b060-d0f5a71096e${i}`, major: i, minor: 1 },
      { id: `${person}-tag`, person, type: 'mac', mac: `11:22:33:44:55:${hex(i, 2)}` },
    ]),
    routines: Array.from({ length: 10 }, (_, i) => ({ id: `routine-${i}`, title: `Routine ${i}`, due: { daily: ['08:00'] } })),
    esphome: { domain: '.lan', min_version: '2026.1.0' },
  };
}

/** Device spec i of n: buttons, presence nodes and strips (rgb/rgbw/ws2812) in turn. */
function syntheticSpec(i: number): Record<string, unknown> {
  const name = `dev-${String(i).padStart(3, '0')}`;
  const area = `Room ${i % 12}`;
  switch (i % 5) {
    case 0:
    case 1:
      return {
        kind: 'reminder-button',
        name,
        area,
        board: 'esp32dev',
        routine: `routine-${i % 10}`,
        button: { pin: 25 },
        led: { pin: 26 },
      };
    case 2:
      return { kind: 'presence-node', name, area, board: 'esp32dev', room: `room-${i % 12}`, report_interval: '10s' };
    case 3:
      return {
        kind: 'led-strip',
        name,
        area,
        board: 'esp01_1m',
        light: { type: i % 2 ? 'rgbw' : 'rgb', pins: { red: 12, green: 14, blue: 13, white: 4 } },
      };
    default:
      return { kind: 'led-strip', name, area, board: 'd1_mini', light: { type: 'ws2812', pin: 4, num_leds: 60 } };
  }
}

/** Writes hearth.yaml + devices/*.yaml for `count` synthetic devices into a new temp dir. */
export function writeSyntheticHousehold(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-codegen-'));
  writeFileSync(join(dir, 'hearth.yaml'), stringify(syntheticConfig()));
  mkdirSync(join(dir, 'devices'));
  for (let i = 0; i < count; i++) {
    const spec = syntheticSpec(i);
    // The rgb strip has no white pin.
    if (spec.kind === 'led-strip' && (spec.light as { type: string }).type === 'rgb')
      delete (spec.light as { pins: Record<string, number> }).pins.white;
    writeFileSync(join(dir, 'devices', `${spec.name as string}.yaml`), stringify(spec));
  }
  return dir;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number): string => `${x.toFixed(1).padStart(8)} ms`;

export interface CodegenFigures {
  devices: number;
  loadMs: number;
  renderMs: number;
  writeMs: number;
  inProcessMs: number;
  /** The first in-process run (cold JIT, as in a fresh `hearth esphome generate`). */
  firstRunMs: number;
  /** `node dist/src/cli.js esphome generate`: tsc output, as the Nix package runs it. */
  compiledMs: number;
  /** The same with the hub service's NODE_OPTIONS (bench/lib/deployed.ts). */
  compiledDeployedMs: number;
  /** `node -e 0`: node's own start and exit, the anchor. */
  nodeMs: number;
  npxMs: number;
  tsxMs: number;
}

export async function runCodegenBench(devices = 200, runs = 9): Promise<CodegenFigures> {
  const dir = writeSyntheticHousehold(devices);
  try {
    const options = { configFile: join(dir, 'hearth.yaml'), devicesDir: join(dir, 'devices') };
    const load: number[] = [];
    const render: number[] = [];
    const write: number[] = [];
    const total: number[] = [];
    for (let run = 0; run < runs; run++) {
      const t0 = performance.now();
      const household = await loadHousehold(options);
      const t1 = performance.now();
      const files = renderHousehold(household);
      const t2 = performance.now();
      await writeGenerated(files, { outDir: join(dir, 'out-in-process') });
      const t3 = performance.now();
      if (files.length !== devices) throw new Error(`rendered ${files.length} of ${devices}`);
      load.push(t1 - t0);
      render.push(t2 - t1);
      write.push(t3 - t2);
      total.push(t3 - t0);
    }

    const wholeProcess = (command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number => {
      const times: number[] = [];
      for (let run = 0; run < runs; run++) {
        const t = performance.now();
        const result = spawnSync(command, args, { cwd: REPO, encoding: 'utf8', env });
        times.push(performance.now() - t);
        if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
      }
      return median(times);
    };
    const cli = [
      'src/cli.ts',
      'esphome',
      'generate',
      '--config',
      options.configFile,
      '--devices',
      options.devicesDir,
      '--out',
      join(dir, 'out-cli'),
    ];
    const compiled = compileHearth();
    let compiledMs: number;
    let compiledDeployedMs: number;
    let nodeMs: number;
    try {
      compiledMs = wholeProcess(process.execPath, [compiled.cli, ...cli.slice(1)]);
      // The hub service's NODE_OPTIONS: a small young generation slows this allocation-heavy command.
      compiledDeployedMs = wholeProcess(process.execPath, [compiled.cli, ...cli.slice(1)], {
        ...process.env,
        NODE_OPTIONS: DEPLOYED_NODE_FLAGS.join(' '),
      });
      nodeMs = wholeProcess(process.execPath, ['-e', '0']);
    } finally {
      compiled.remove();
    }
    const npxMs = wholeProcess('npx', ['tsx', ...cli]);
    const tsxMs = wholeProcess(join(REPO, 'node_modules', '.bin', 'tsx'), cli);

    return {
      devices,
      loadMs: median(load),
      renderMs: median(render),
      writeMs: median(write),
      inProcessMs: median(total),
      firstRunMs: total[0]!,
      compiledMs,
      compiledDeployedMs,
      nodeMs,
      npxMs,
      tsxMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatCodegenFigures(f: CodegenFigures, runs: number): string {
  const verdict = (x: number): string => (x < TARGET_MS ? 'ok' : `over the ${TARGET_MS} ms target`);
  return [
    `ESPHome codegen: ${f.devices} synthetic device specs → YAML (median of ${runs} runs; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`,
    `  in-process  load (hearth.yaml + specs) ${ms(f.loadMs)}`,
    `              render (emit + YAML)       ${ms(f.renderMs)}   (${(f.renderMs / f.devices).toFixed(2)} ms/device)`,
    `              atomic write               ${ms(f.writeMs)}`,
    `              total                      ${ms(f.inProcessMs)}   ${verdict(f.inProcessMs)}`,
    `              total, first (cold) run    ${ms(f.firstRunMs)}   ${verdict(f.firstRunMs)}`,
    `  process     node dist/src/cli.js esphome generate ${ms(f.compiledMs)}   ${verdict(f.compiledMs)}   (compiled, as packaged; the target)`,
    `              the same, NODE_OPTIONS=${DEPLOYED_NODE_FLAGS.join(' ')} ${ms(f.compiledDeployedMs)}   ${verdict(f.compiledDeployedMs)}   (the hub service's flags: why only its unit sets them)`,
    `              anchor: node -e 0                    ${ms(f.nodeMs)}   (node's own start and exit)`,
    `              npx tsx src/cli.ts esphome generate  ${ms(f.npxMs)}   ${verdict(f.npxMs)}`,
    `              node_modules/.bin/tsx (no npx)       ${ms(f.tsxMs)}   ${verdict(f.tsxMs)}`,
  ].join('\n');
}

/** Prints the figures; resolves to an exit code (0: measured, whatever the figures are). */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  const o = benchOptions(argv, ['devices', 'runs']);
  const whole = (n: number) => Number.isInteger(n) && n >= 1;
  const devices = numberOption(o.devices, 'devices', 200, whole, 'a whole number >= 1');
  const runs = numberOption(o.runs, 'runs', 9, whole, 'a whole number >= 1');
  console.log(formatCodegenFigures(await runCodegenBench(devices, runs), runs));
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main();
}
