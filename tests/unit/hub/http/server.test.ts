import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApi, NotFoundError, type Health, type HttpApi } from '../../../../src/hub/http/server.js';
import { tokenMatches } from '../../../../src/hub/http/auth.js';
import { silentLogger } from '../../../../src/log.js';

let api: HttpApi;
let base: string;
let health: Health = { ha: 'connected', mqtt: 'connected', store: 'ok' };
const dueCalls: string[] = [];
const dueSources: Array<string | undefined> = [];

beforeAll(async () => {
  api = createHttpApi({
    host: '127.0.0.1',
    port: 0,
    token: () => 's3cret-token',
    logger: silentLogger(),
    health: () => health,
    status: () => ({ ok: true }),
    metrics: () => '# HELP x y\n# TYPE x gauge\nx 1\n',
    routines: {
      list: () => [{ id: 'meds' }],
      due: (id, source) => {
        if (id !== 'meds') throw new NotFoundError(`unknown routine "${id}"`);
        dueCalls.push(id);
        dueSources.push(source);
        return { id, phase: 'due' };
      },
    },
  });
  await api.start();
  const a = api.address()!;
  base = `http://127.0.0.1:${a.port}`;
});
afterAll(() => api.stop());

const auth = { authorization: 'Bearer s3cret-token' };

describe('HTTP API', () => {
  it('binds to 127.0.0.1', () => {
    expect(api.address()!.host).toBe('127.0.0.1');
  });

  it('/healthz needs no token: 200 when all is up, 503 otherwise', async () => {
    let r = await fetch(`${base}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual(health);
    health = { ha: 'connecting', mqtt: 'connected', store: 'ok' };
    r = await fetch(`${base}/healthz`);
    expect(r.status).toBe(503);
    health = { ha: 'connected', mqtt: 'connected', store: 'ok' };
  });

  it('everything else answers 401 without a valid bearer token', async () => {
    for (const [method, path] of [
      ['GET', '/api/status'],
      ['GET', '/metrics'],
      ['GET', '/api/routines'],
      ['POST', '/api/routines/meds/due'],
    ] as const) {
      const none = await fetch(`${base}${path}`, { method });
      expect(none.status, `${method} ${path}`).toBe(401);
      expect(((await none.json()) as { error: string }).error).toMatch(/missing bearer token/);
      const wrong = await fetch(`${base}${path}`, { method, headers: { authorization: 'Bearer nope' } });
      expect(wrong.status).toBe(401);
    }
    expect(dueCalls).toEqual([]);
  });

  it('serves status, metrics and routines with the token', async () => {
    expect(await (await fetch(`${base}/api/status`, { headers: auth })).json()).toEqual({ ok: true });
    const m = await fetch(`${base}/metrics`, { headers: auth });
    expect(m.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await m.text()).toContain('x 1');
    expect(await (await fetch(`${base}/api/routines`, { headers: auth })).json()).toEqual([{ id: 'meds' }]);
  });

  it('POST /api/routines/:id/due makes it due; an unknown id is a 404 naming it', async () => {
    const ok = await fetch(`${base}/api/routines/meds/due`, { method: 'POST', headers: auth });
    expect(ok.status).toBe(200);
    expect(dueCalls).toEqual(['meds']);
    // hearth's CLI says so (the history records `cli`); anything else is the API.
    const cli = await fetch(`${base}/api/routines/meds/due`, { method: 'POST', headers: { ...auth, 'x-hearth-client': 'cli' } });
    expect(cli.status).toBe(200);
    expect(dueSources).toEqual(['api', 'cli']);
    dueCalls.pop();
    const unknown = await fetch(`${base}/api/routines/nope/due`, { method: 'POST', headers: auth });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'unknown routine "nope"' });
    const bad = await fetch(`${base}/api/routines/meds/due`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/not valid JSON/);
  });

  it('compares tokens in constant time, whatever their length', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches('abcd', 'abc')).toBe(false);
    expect(tokenMatches('', '')).toBe(false);
  });
});
