/**
 * `hearth run`'s placement flags are checked before anything starts: an unknown `--only` unit,
 * `--only lifecoach` with `--no-lifecoach`, and a bad `--http-port` exit 2 naming the flag.
 * (`--only lifecoach` running a coach-only hearth is tested end to end in
 * tests/integration/lifecoach-hub.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'run', ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });

describe('hearth run placement flags', () => {
  it('refuses an unknown --only unit, --only with --no-lifecoach, and a bad --http-port (exit 2)', () => {
    const unknown = run('--only', 'presence');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('--only: unknown unit "presence" (known: lifecoach)');
    const both = run('--only', 'lifecoach', '--no-lifecoach');
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('contradict');
    const port = run('--http-port', '70000');
    expect(port.status).toBe(2);
    expect(port.stderr).toContain('--http-port: "70000" is not a port');
  }, 60_000);
});
