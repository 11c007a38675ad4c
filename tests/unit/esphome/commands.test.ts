import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../../..');
const TSX = join(REPO, 'node_modules/.bin/tsx');
const CLI = join(REPO, 'src/cli.ts');

const hearth = (cwd: string, ...args: string[]) => spawnSync(TSX, [CLI, 'esphome', ...args], { cwd, encoding: 'utf8' });

const CONFIG = `people: [{ id: sam, name: Sam }]
trackers: [{ id: sam-iphone, person: sam, type: irk, irk: 0123456789abcdef0123456789abcdef }]
routines: [{ id: meds, title: Meds, due: { daily: ["08:00"] } }]
`;
const BUTTON = `kind: reminder-button
name: hall-button
board: esp32dev
routine: meds
button: { pin: 25 }
led: { pin: 26 }
`;

// Real processes (tsx + the CLI), several per test: give a loaded 2-core machine time.
describe('hearth esphome (CLI)', { timeout: 60_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-cli-test-'));
    writeFileSync(join(dir, 'hearth.yaml'), CONFIG);
    mkdirSync(join(dir, 'devices'));
    writeFileSync(join(dir, 'devices', 'hall-button.yaml'), BUTTON);
    mkdirSync(join(dir, 'bad'));
    writeFileSync(join(dir, 'bad', 'a.yaml'), BUTTON.replace('routine: meds', 'routine: nope'));
    writeFileSync(join(dir, 'bad', 'b.yaml'), BUTTON.replace('hall-button', 'other-button').replace('esp32dev', 'no-such-board'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generate writes build/esphome/<device>.yaml', () => {
    const run = hearth(dir, 'generate');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('wrote 1 ESPHome configs to build/esphome');
    expect(readdirSync(join(dir, 'build/esphome'))).toEqual(['hall-button.yaml']);
  });

  it('config errors: every issue on stderr, exit code 2, nothing written', () => {
    const run = hearth(dir, 'generate', '--devices', 'bad', '--out', 'out-bad');
    expect(run.status).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines.some((l) => l.startsWith(join('bad', 'a.yaml')) && l.includes('routine'))).toBe(true);
    expect(lines.some((l) => l.startsWith(join('bad', 'b.yaml')) && l.includes('board'))).toBe(true);
    expect(existsSync(join(dir, 'out-bad'))).toBe(false);
  });

  it('secrets prints the template; --help describes each command', () => {
    const run = hearth(dir, 'secrets');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('hall_button_api_key: "CHANGE ME"');
    for (const command of ['generate', 'secrets', 'validate']) {
      const help = hearth(dir, command, '--help');
      expect(help.status).toBe(0);
      expect(help.stdout).toContain(`Usage: hearth esphome ${command}`);
    }
  });
});
