/**
 * The model client against the Ollama stand-in (tests/stand-ins/ollama-server.ts), or a real
 * Ollama with HEARTH_TEST_OLLAMA_URL (then the stand-in-only fault tests are skipped).
 */
import { execFile } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ollamaSettings } from '../../../src/config/lifecoach.js';
import { answerFormat, createOllamaClient } from '../../../src/lifecoach/ollama/client.js';
import { OllamaFailure } from '../../../src/lifecoach/ollama/failure.js';
import { captureStill } from '../../../src/lifecoach/stills/capture.js';
import { realOllamaFromEnv, startOllamaStandIn, type OllamaStandIn } from '../../stand-ins/ollama-server.js';
import { lavfiCamera } from '../../stand-ins/lavfi-cameras.js';

const real = realOllamaFromEnv();
// Cases that need a fault a real Ollama cannot be made to produce on demand (a cold load held
// past the first-token deadline, a mid-stream error, a cut-off answer): they run against the
// stand-in, always in CI, and are skipped only when HEARTH_TEST_OLLAMA_URL names a real server.
const standInOnly = real ? it.skip : it;

const answer = z.object({ summary: z.string().min(1), mentioned: z.array(z.string()) });
const good = JSON.stringify({ summary: 'Meds are waiting for you', mentioned: ['morning-meds'] });

let standIn: OllamaStandIn;
let jpeg: Buffer;
let url: string;
const model = real?.model ?? 'qwen3-vl:4b-instruct';

const settings = (overrides: Record<string, unknown> = {}) =>
  ollamaSettings.parse({
    host: url,
    model,
    deadline: '20s',
    first_token_timeout: '10s',
    stall_timeout: '5s',
    request_timeout: '5s',
    ...overrides,
  });

async function failure(promise: Promise<unknown>): Promise<OllamaFailure> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(OllamaFailure);
    return error as OllamaFailure;
  }
  throw new Error('expected an OllamaFailure');
}

/** Polls (the server sees the closed connection a moment after the client closes it). */
async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  standIn = await startOllamaStandIn();
  url = real?.url ?? standIn.url;
  const still = await captureStill(lavfiCamera('cam', { size: '640x360', unpaced: true }), { timeoutMs: 15_000 });
  if (!still.ok) throw new Error(still.detail);
  jpeg = still.jpeg;
});
afterAll(() => standIn.close());
beforeEach(() => {
  standIn.reset();
  standIn.set({ answer: () => good });
});

const chatInput = (signal?: AbortSignal) => ({
  system: 'You are a kind coach. Answer in JSON.',
  prompt: 'Check in.',
  images: [jpeg, jpeg],
  schema: answer,
  ...(signal ? { signal } : {}),
});

describe('model check', () => {
  it('says ok for a vision model, with its digest', async () => {
    const check = await createOllamaClient(settings()).checkModel();
    expect(check.status).toBe('ok');
    expect(check.capabilities).toContain('vision');
    expect(check.digest).toMatch(/^[0-9a-f]{16,}/);
  });

  standInOnly('tells a missing model and a model without vision apart', async () => {
    const missing = await createOllamaClient(settings({ model: 'llava:404' })).checkModel();
    expect(missing).toMatchObject({ status: 'model_missing', model: 'llava:404' });
    expect(missing.detail).toMatch(/ollama pull llava:404/);
    const blind = await createOllamaClient(settings({ model: 'qwen3:4b' })).checkModel();
    expect(blind).toMatchObject({ status: 'no_vision', capabilities: ['completion', 'tools', 'thinking'] });
  });

  it('says unreachable when nothing listens', async () => {
    const check = await createOllamaClient(settings({ host: 'http://127.0.0.1:9' })).checkModel();
    expect(check.status).toBe('unreachable');
  });

  it('says unreachable when the host accepts but never answers within request_timeout', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => {
      sockets.push(socket);
      socket.resume(); // read the request (and so see its end), answer nothing
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const check = await createOllamaClient(settings({ host: `http://127.0.0.1:${port}`, request_timeout: '0.5s' })).checkModel();
      expect(check.status).toBe('unreachable');
      // The request was given up: its connection is closed, not left open.
      await until(() => sockets.length > 0 && sockets.every((s) => s.destroyed || s.readableEnded));
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  // The coach checks its model at start; Node's fetch (undici) loaded for that cost the idle hub
  // 6–10 MB (bench/lifecoach.ts). The warm-up (ollama-js) loads it: the probe can tell.
  it("checks the model without loading Node's fetch; the warm-up loads it", async () => {
    const child = join(import.meta.dirname, 'helpers', 'model-check-child.ts');
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--import', 'tsx', child, url, model], { timeout: 60_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    expect(JSON.parse(out.trim())).toEqual({ status: 'ok', before: false, afterCheck: false, afterWarmUp: true });
  });
});

describe('chat', () => {
  it('streams a validated answer with the request Ollama expects', async () => {
    const result = await createOllamaClient(settings()).chat(chatInput());
    expect(result.answer.summary.length).toBeGreaterThan(0);
    if (real) return;
    expect(result.answer).toEqual(JSON.parse(good));
    const body = standIn.requests.find((r) => r.path === '/api/chat')!.body!;
    expect(body).toMatchObject({
      model,
      stream: true,
      think: false,
      keep_alive: '600s',
      options: { temperature: 0, num_ctx: 8192, num_predict: 768 },
    });
    expect(body.format).toEqual(answerFormat(answer));
    expect(body.format).toMatchObject({ type: 'object', required: ['summary', 'mentioned'] });
    const images = body.messages!.at(-1)!.images!;
    expect(images).toHaveLength(2);
    expect(Buffer.from(images[0]!, 'base64').equals(jpeg)).toBe(true);
    expect(result.timings.firstTokenMs).toBeGreaterThanOrEqual(0);
    expect(result.timings.evalCount).toBeGreaterThan(0);
  });

  standInOnly('warms up load-only with the same num_ctx, so the check-in does not reload', async () => {
    standIn.set({ coldLoadMs: 300 });
    const client = createOllamaClient(settings());
    await client.warmUp();
    const warm = standIn.requests.find((r) => r.path === '/api/generate')!.body!;
    expect(warm).toMatchObject({ model, prompt: '', keep_alive: '600s', options: { num_ctx: 8192 } });
    expect(standIn.loads).toBe(1);
    await client.chat(chatInput());
    expect(standIn.loads).toBe(1);
    expect(standIn.loaded.get(model)).toBe(8192);
    // A different num_ctx reloads: the reason it is fixed.
    await createOllamaClient(settings({ num_ctx: 4096 })).chat(chatInput());
    expect(standIn.loads).toBe(2);
  });

  standInOnly('a slow cold load before the headers is aborted at the first-token timeout; the server sees the close', async () => {
    standIn.set({ coldLoadMs: 10_000 });
    const started = Date.now();
    const f = await failure(createOllamaClient(settings({ first_token_timeout: '0.5s' })).chat(chatInput()));
    expect(f.kind).toBe('timeout_first_token');
    expect(Date.now() - started).toBeLessThan(9000);
    await until(() => standIn.aborted.includes('/api/chat'));
  });

  standInOnly('a hanging server is aborted at the total deadline', async () => {
    standIn.set({ mode: 'hang' });
    const f = await failure(createOllamaClient(settings({ deadline: '0.6s', first_token_timeout: '0.6s' })).chat(chatInput()));
    expect(f.kind).toBe('timeout_total');
    await until(() => standIn.aborted.includes('/api/chat'));
  });

  standInOnly('a stall mid-stream is aborted at the stall timeout', async () => {
    standIn.set({ mode: 'stall' });
    const f = await failure(createOllamaClient(settings({ stall_timeout: '0.4s' })).chat(chatInput()));
    expect(f.kind).toBe('timeout_stall');
    await until(() => standIn.aborted.includes('/api/chat'));
  });

  standInOnly('a slow stream that keeps going still ends at the total deadline', async () => {
    standIn.set({ chunkDelayMs: 150, chunkSize: 2 });
    const f = await failure(
      createOllamaClient(settings({ deadline: '0.8s', stall_timeout: '1s', first_token_timeout: '0.8s' })).chat(chatInput()),
    );
    expect(f.kind).toBe('timeout_total');
    await until(() => standIn.aborted.includes('/api/chat'));
  });

  standInOnly("the caller's abort ends the request", async () => {
    standIn.set({ coldLoadMs: 10_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const f = await failure(createOllamaClient(settings()).chat(chatInput(controller.signal)));
    expect(f.kind).toBe('aborted');
    await until(() => standIn.aborted.includes('/api/chat'));
  });

  standInOnly("tells Ollama's errors apart", async () => {
    expect((await failure(createOllamaClient(settings({ model: 'nope:1b' })).chat(chatInput()))).kind).toBe('model_not_found');
    standIn.set({ mode: 'error_500' });
    const server = await failure(createOllamaClient(settings()).chat(chatInput()));
    expect(server).toMatchObject({ kind: 'server_error', status: 500 });
    expect(server.message).toMatch(/llama runner process has terminated/);
    standIn.set({ mode: 'error_midstream' });
    const mid = await failure(createOllamaClient(settings()).chat(chatInput()));
    expect(mid.kind).toBe('stream_error');
    expect(mid.message).toMatch(/out of memory/);
    expect((await failure(createOllamaClient(settings({ host: 'http://127.0.0.1:9' })).chat(chatInput()))).kind).toBe('unreachable');
  });

  standInOnly('an empty, a cut-off, a non-JSON and a wrong-shaped answer are invalid', async () => {
    for (const [mode, kind] of [
      ['empty', 'empty'],
      ['cut_off', 'cut_off'],
      ['invalid_json', 'invalid_answer'],
      ['wrong_json', 'invalid_answer'],
    ] as const) {
      standIn.set({ mode });
      expect((await failure(createOllamaClient(settings()).chat(chatInput()))).kind, mode).toBe(kind);
    }
    // The output cap itself: a long answer stops at num_predict.
    standIn.set({ mode: 'answer', answer: () => JSON.stringify({ summary: 'x'.repeat(400), mentioned: [] }) });
    expect((await failure(createOllamaClient(settings({ num_predict: 16 })).chat(chatInput()))).kind).toBe('cut_off');
  });

  standInOnly('thinking output is ignored but noted', async () => {
    standIn.set({ mode: 'thinking' });
    const result = await createOllamaClient(settings()).chat(chatInput());
    expect(result.thought).toBe(true);
    expect(result.answer).toEqual(JSON.parse(good));
  });
});

describe('the stand-in itself', () => {
  standInOnly('refuses data: URLs, cut-off JPEGs and a format that is no schema, as Ollama would choke on them', async () => {
    const post = (body: unknown) => fetch(`${standIn.url}/api/chat`, { method: 'POST', body: JSON.stringify(body) });
    const msg = (images: string[]) => [{ role: 'user', content: 'hi', images }];
    const b64 = jpeg.toString('base64');
    expect((await post({ model, messages: msg([`data:image/jpeg;base64,${b64}`]), stream: false })).status).toBe(400);
    expect((await post({ model, messages: msg([jpeg.subarray(0, 1000).toString('base64')]), stream: false })).status).toBe(400);
    expect((await post({ model, messages: msg([b64]), format: { properties: {} }, stream: false })).status).toBe(400);
    const ok = await post({ model, messages: msg([b64]), format: { type: 'object' }, stream: false });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { done_reason: string }).done_reason).toBe('stop');
    const version = (await (await fetch(`${standIn.url}/api/version`)).json()) as { version: string };
    expect(version.version).toMatch(/^\d+\.\d+\.\d+$/);
    const ps = (await (await fetch(`${standIn.url}/api/ps`)).json()) as { models: Array<{ name: string; context_length: number }> };
    expect(ps.models).toEqual([expect.objectContaining({ name: model, context_length: 4096 })]);
  });
});
