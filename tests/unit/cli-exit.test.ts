/**
 * The CLI's exit codes, one rule for every subcommand (src/cli-exit.ts): bad input — an unknown
 * subcommand, option or argument, a missing argument, an unknown routine, a bad `--limit`, a
 * missing store, an `--esphome` that cannot run, a 4xx from the hub — exits 2 with a message
 * naming what was wrong; a runtime failure (the hub unreachable, a 5xx) exits 1. Real processes
 * (tsx + src/cli.ts); the hub's answers come from a plain HTTP server on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');
const TSX = join(REPO, 'node_modules/.bin/tsx');
const CLI = join(REPO, 'src/cli.ts');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

let dir: string;
let server: Server;
let hub: string;
/** What the stand-in hub answers next (status, body). */
let answer: { status: number; body: object } = { status: 200, body: {} };

/** Runs `hearth …args` in the test folder (async, so the in-process HTTP server can answer). */
function hearth(...args: string[]): Promise<Run> {
  return new Promise((done, reject) => {
    const child = spawn(TSX, [CLI, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, HEARTH_HTTP_TOKEN: 'test-token' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-cli-exit-'));
  writeFileSync(
    join(dir, 'hearth.yaml'),
    'people: [{ id: sam, name: Sam }]\nroutines: [{ id: morning-meds, title: Meds, person: sam, due: { daily: ["08:00"] } }]\n',
  );
  mkdirSync(join(dir, 'devices'));
  server = createServer((_req, res) => {
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  hub = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

// Real processes, several per test: a loaded 2-core machine needs time.
describe('hearth exit codes', { timeout: 120_000 }, () => {
  it('an unknown subcommand, at any level, exits 2 naming it', async () => {
    for (const [args, named] of [
      [['ack', 'nosuchroutine'], "unknown command 'ack'"],
      [['frobnicate'], "unknown command 'frobnicate'"],
      [['checkin', 'nosuch'], "unknown command 'nosuch'"],
      [['esphome', 'frob'], "unknown command 'frob'"],
      [['routine', 'undue', 'x'], "unknown command 'undue'"],
    ] as const) {
      const run = await hearth(...args);
      expect(run.stderr, args.join(' ')).toContain(named);
      expect(run.status, args.join(' ')).toBe(2);
    }
  });

  it('unknown options, missing and excess arguments, refused option values and a bare command group exit 2', async () => {
    for (const [args, named] of [
      [['run', '--bogus'], "unknown option '--bogus'"],
      [['dashboard', '--bogus'], "unknown option '--bogus'"],
      [['routine', 'due'], "missing required argument 'id'"],
      [['backup'], "missing required argument 'file'"],
      [['run', 'extra'], 'too many arguments'],
      [['esphome', 'validate', '--jobs', '0'], "'--jobs <n>' argument '0' is invalid"],
      [['checkin', 'list', '--limit', '0'], '--limit: "0"'],
      [[], 'Usage: hearth'],
      [['routine'], 'Usage: hearth routine'],
    ] as const) {
      const run = await hearth(...args);
      expect(run.stderr, args.join(' ')).toContain(named);
      expect(run.status, args.join(' ')).toBe(2);
    }
  });

  it('help still exits 0', async () => {
    for (const args of [['--help'], ['help', 'run'], ['checkin', 'list', '--help']]) {
      const run = await hearth(...args);
      expect(run.stdout, args.join(' ')).toContain('Usage: hearth');
      expect(run.status, args.join(' ')).toBe(0);
    }
  });

  it('routine due: an unknown routine exits 2 naming it (before asking the hub); a 4xx exits 2, a 5xx or no hub 1', async () => {
    answer = { status: 200, body: { phase: 'due' } };
    const unknown = await hearth('routine', 'due', 'morning-med', '--url', hub);
    expect(unknown.stderr).toContain('unknown routine "morning-med" in hearth.yaml; did you mean "morning-meds"?');
    expect(unknown.status).toBe(2);

    const ok = await hearth('routine', 'due', 'morning-meds', '--url', hub);
    expect(ok.stdout).toBe('morning-meds: due\n');
    expect(ok.status).toBe(0);

    answer = { status: 401, body: { error: 'invalid bearer token' } };
    const rejected = await hearth('routine', 'due', 'morning-meds', '--url', hub);
    expect(rejected.stderr).toContain('401: invalid bearer token');
    expect(rejected.status).toBe(2);

    answer = { status: 500, body: { error: 'internal error' } };
    const failing = await hearth('routine', 'due', 'morning-meds', '--url', hub);
    expect(failing.stderr).toContain('500: internal error');
    expect(failing.status).toBe(1);

    const down = await hearth('routine', 'due', 'morning-meds', '--url', 'http://127.0.0.1:1');
    expect(down.stderr).toContain('cannot reach the hub');
    expect(down.status).toBe(1);
  });

  it('an --url that is no http(s) URL exits 2 naming it (it was "cannot reach", exit 1)', async () => {
    for (const args of [
      ['routine', 'due', 'morning-meds', '--url', 'notaurl'],
      ['checkin', 'now', '--url', 'ftp://127.0.0.1:1'],
    ]) {
      const run = await hearth(...args);
      expect(run.stderr, args.join(' ')).toContain(`--url: "${args.at(-1)}" is not an http:// or https:// URL`);
      expect(run.status, args.join(' ')).toBe(2);
    }
  });

  it('checkin: a 4xx exits 2, a 5xx 1', async () => {
    answer = { status: 404, body: { error: 'the life coach does not run in this hearth' } };
    const wrongHearth = await hearth('checkin', 'now', '--url', hub);
    expect(wrongHearth.stderr).toContain('404: the life coach does not run in this hearth');
    expect(wrongHearth.status).toBe(2);
    answer = { status: 503, body: { error: 'busy' } };
    const failing = await hearth('checkin', 'list', '--url', hub);
    expect(failing.stderr).toContain('503: busy');
    expect(failing.status).toBe(1);
  });

  it('configuration errors exit 2 for the commands that talk to the hub too', async () => {
    for (const args of [
      ['routine', 'due', 'morning-meds', '--config', 'nosuch.yaml'],
      ['checkin', 'now', '--config', 'nosuch.yaml'],
      ['backup', 'out.sqlite', '--config', 'nosuch.yaml'],
    ]) {
      const run = await hearth(...args);
      expect(run.stderr, args.join(' ')).toContain('nosuch.yaml: file not found');
      expect(run.status, args.join(' ')).toBe(2);
    }
  });

  it('backup: a missing store or destination folder exits 2 naming it', async () => {
    const store = await hearth('backup', 'out.sqlite', '--store', 'nosuch.sqlite');
    expect(store.stderr).toContain('nosuch.sqlite: no store here');
    expect(store.status).toBe(2);
    writeFileSync(join(dir, 'not-a-store'), 'x');
    const folder = await hearth('backup', 'nodir/out.sqlite', '--store', 'not-a-store');
    expect(folder.stderr).toContain('nodir/out.sqlite: folder nodir does not exist');
    expect(folder.status).toBe(2);
  });

  it('esphome secrets --out into a missing folder, dashboard --www that is no folder: exit 2 naming it, before anything else', async () => {
    const secrets = await hearth('esphome', 'secrets', '--out', 'no-such-dir/secrets.yaml');
    expect(secrets.stderr).toContain('no-such-dir/secrets.yaml: folder no-such-dir does not exist');
    expect(secrets.stderr).not.toContain('    at ');
    expect(secrets.status).toBe(2);
    // HA is never asked (the config's homeassistant.url has nothing listening): the folder is checked first.
    const www = await hearth('dashboard', '--push', '--www', 'no-such-www');
    expect(www.stderr).toContain('--www: no-such-www: not a directory');
    expect(www.status).toBe(2);
  });

  it('esphome generate --secrets FILE that is not there: exit 2 naming it, nothing written', async () => {
    writeFileSync(
      join(dir, 'devices', 'hall-button.yaml'),
      'kind: reminder-button\nname: hall-button\nboard: esp32dev\nroutine: morning-meds\nbutton: { pin: 25 }\nled: { pin: 26 }\n',
    );
    const run = await hearth('esphome', 'generate', '--secrets', 'no-secrets.yaml', '--out', 'gen-secrets');
    expect(run.stderr).toContain('no-secrets.yaml: secrets file not found');
    expect(run.stderr).not.toContain('    at ');
    expect(run.status).toBe(2);
    expect(existsSync(join(dir, 'gen-secrets'))).toBe(false);
  });

  it('esphome validate: a missing --out folder or an --esphome that cannot run exits 2 naming the option', async () => {
    const out = await hearth('esphome', 'validate', '--no-generate', '--out', 'nosuch');
    expect(out.stderr).toContain('--out: nosuch: no such folder');
    expect(out.status).toBe(2);
    mkdirSync(join(dir, 'empty'));
    const empty = await hearth('esphome', 'validate', '--no-generate', '--out', 'empty');
    expect(empty.stderr).toContain('--out: no generated configs in empty');
    expect(empty.status).toBe(2);
    writeFileSync(
      join(dir, 'devices', 'hall-button.yaml'),
      'kind: reminder-button\nname: hall-button\nboard: esp32dev\nroutine: morning-meds\nbutton: { pin: 25 }\nled: { pin: 26 }\n',
    );
    const esphome = await hearth('esphome', 'validate', '--esphome', join(dir, 'no-such-esphome'), '--out', 'gen');
    expect(esphome.stderr).toContain(`--esphome: cannot run ${join(dir, 'no-such-esphome')}`);
    expect(esphome.status).toBe(2);
  });
});
