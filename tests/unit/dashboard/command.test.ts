/**
 * `hearth dashboard`'s refusals before it talks to HA: bad options and a bad configuration are
 * exit code 2 with a message naming the option or file and field, and nothing is written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'hearth-dashboard-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'tests/browser/dashboard-cli.ts', 'dashboard', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });

describe('hearth dashboard command', () => {
  it('refuses options that make no sense, with exit code 2', () => {
    expect(run()).toMatchObject({ status: 2, stderr: expect.stringContaining('nothing to do: give --out FILE and/or --push') });
    expect(run('--out', join(dir, 'x.yaml'), '--force')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--force only applies to --push'),
    });
    expect(run('--push', '--url-path', 'home')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--url-path: "home" must be lowercase words joined by hyphens'),
    });
  });

  it('reports a configuration error by file and field and writes nothing', () => {
    const config = join(dir, 'hearth.yaml');
    writeFileSync(config, 'people:\n  - id: Sam\n    name: Sam\n');
    const out = join(dir, 'dash.yaml');
    const r = run('-c', config, '-d', join(dir, 'no-devices'), '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${config}: people[0].id`);
    expect(existsSync(out)).toBe(false);
  });
});
