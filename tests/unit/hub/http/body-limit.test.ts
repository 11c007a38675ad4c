/**
 * The HTTP API's body size limit (16 kB) holds for every request body, whatever its content
 * type or framing: a 5 MB body sent as application/octet-stream used to be answered 200 (only
 * JSON was limited). Beyond the limit: 413 and the route does not run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApi, type HttpApi } from '../../../../src/hub/http/server.js';
import { silentLogger } from '../../../../src/log.js';

let api: HttpApi;
let base: string;
const dueCalls: string[] = [];

beforeAll(async () => {
  api = createHttpApi({
    host: '127.0.0.1',
    port: 0,
    token: () => 's3cret-token',
    logger: silentLogger(),
    health: () => ({ ha: 'connected', mqtt: 'connected', store: 'ok' }),
    status: () => ({ ok: true }),
    metrics: () => '',
    routines: {
      list: () => [],
      due: (id) => {
        dueCalls.push(id);
        return { id, phase: 'due' };
      },
    },
  });
  await api.start();
  base = `http://127.0.0.1:${api.address()!.port}`;
});
afterAll(() => api.stop());

const auth = { authorization: 'Bearer s3cret-token' };
const LIMIT = 16 * 1024;
const big = Buffer.alloc(5 * 1024 * 1024, 0x61);

async function post(
  body: RequestInit['body'],
  headers: Record<string, string>,
  init: Partial<RequestInit> = {},
): Promise<{ status: number; error?: string }> {
  const r = await fetch(`${base}/api/routines/meds/due`, { method: 'POST', headers: { ...auth, ...headers }, body, ...init });
  const json = (await r.json().catch(() => ({}))) as { error?: string };
  return { status: r.status, ...(json.error ? { error: json.error } : {}) };
}

describe('HTTP API: body size limit', () => {
  for (const type of [
    'application/json',
    'application/octet-stream',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'image/jpeg',
  ]) {
    it(`5 MB as ${type}: 413, the route does not run`, async () => {
      const before = dueCalls.length;
      const r = await post(big, { 'content-type': type });
      expect(r.status).toBe(413);
      expect(r.error).toMatch(/too large/i);
      expect(dueCalls.length).toBe(before);
    });
  }

  it('5 MB without a content type or a length (chunked): 413', async () => {
    const before = dueCalls.length;
    const chunks = 80;
    let chunksSent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (chunksSent++ < chunks) controller.enqueue(new Uint8Array(64 * 1024));
        else controller.close();
      },
    });
    const r = await post(stream, {}, { duplex: 'half' } as Partial<RequestInit>);
    expect(r.status).toBe(413);
    expect(dueCalls.length).toBe(before);
  });

  it('one byte over the limit is refused, a body at the limit accepted (JSON and octet-stream alike)', async () => {
    const json = (n: number) => JSON.stringify({ note: 'x'.repeat(n - 11) });
    expect(json(LIMIT).length).toBe(LIMIT);
    expect((await post(json(LIMIT), { 'content-type': 'application/json' })).status).toBe(200);
    expect((await post(json(LIMIT + 1), { 'content-type': 'application/json' })).status).toBe(413);
    expect((await post(Buffer.alloc(LIMIT), { 'content-type': 'application/octet-stream' })).status).toBe(200);
    expect((await post(Buffer.alloc(LIMIT + 1), { 'content-type': 'application/octet-stream' })).status).toBe(413);
  });

  it('without the token a big body is 401 (auth comes before reading the body)', async () => {
    const r = await fetch(`${base}/api/routines/meds/due`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: big,
    });
    expect(r.status).toBe(401);
  });
});
