/**
 * STAND-IN: a local server speaking Ollama's HTTP API, because no Ollama binary (and no GPU)
 * is in reach on these machines. It is protocol-faithful where hearth depends on it (shapes from
 * Ollama's docs/api.md and api/types.go): streamed NDJSON `/api/chat` (chunks with
 * `message.content`/`message.thinking`, a final chunk with `done: true`, `done_reason` and the
 * nanosecond timings), `/api/show` with `capabilities`, `/api/tags`, `/api/version`, `/api/ps`,
 * load-only `/api/generate` (no prompt → `done_reason: "load"`, `keep_alive: 0` → "unload"),
 * errors as `{"error": "..."}` with Ollama's status codes (404 `model 'x' not found`, 400, 500)
 * and a mid-stream error as an NDJSON line after a 200.
 *
 * It checks what a real Ollama would choke on or silently misread: images must be plain base64
 * (no `data:` prefix) of a complete JPEG, `format` must be "json" or a JSON-schema object, and
 * a different `num_ctx` than the loaded one reloads the model (counted, and paying the cold
 * load again, as Ollama does).
 *
 * Behaviour is switchable per test: a slow cold load before the response headers, an answer
 * (a function of the request), invalid JSON, cut off by the length limit, thinking output,
 * a stall mid-stream, Ollama's error shapes. Every request is recorded, and so is every
 * connection the client closed before the answer was complete (a real abort).
 *
 * The same tests run against a real Ollama with HEARTH_TEST_OLLAMA_URL (and
 * HEARTH_TEST_OLLAMA_MODEL); tests of stand-in-only behaviours are skipped then.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInModel {
  name: string;
  capabilities: string[];
  family?: string;
  digest?: string;
}

export type StandInMode =
  | 'answer'
  /** Content that is not JSON at all. */
  | 'invalid_json'
  /** JSON of the wrong shape (valid JSON, fails the answer schema). */
  | 'wrong_json'
  /** Stops at num_predict: `done_reason: "length"`, the JSON unfinished. */
  | 'cut_off'
  /** Empty content, done. */
  | 'empty'
  /** Thinking chunks first (a model that thinks although asked not to), then the answer. */
  | 'thinking'
  /** HTTP 500 with Ollama's error body, before any chunk. */
  | 'error_500'
  /** Some chunks, then an `{"error": ...}` line, then the end. */
  | 'error_midstream'
  /** Some chunks, then silence with the connection open. */
  | 'stall'
  /** Never sends headers (a load that never finishes). */
  | 'hang';

export interface StandInBehaviour {
  mode: StandInMode;
  /** The model's content for mode answer/thinking/cut_off (default `{}`). */
  answer: (request: ChatBody) => string;
  /** Before the headers when the model is not loaded (or is reloaded for another num_ctx). */
  coldLoadMs: number;
  /** Between two streamed chunks. */
  chunkDelayMs: number;
  /** Characters per content chunk. */
  chunkSize: number;
}

export interface ChatBody {
  model: string;
  messages?: Array<{ role: string; content: string; images?: string[]; thinking?: string }>;
  stream?: boolean;
  format?: unknown;
  think?: unknown;
  keep_alive?: unknown;
  options?: Record<string, unknown>;
  prompt?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: ChatBody | undefined;
  at: number;
}

export interface OllamaStandIn {
  url: string;
  models: StandInModel[];
  behaviour: StandInBehaviour;
  requests: RecordedRequest[];
  /** Paths of requests whose connection the client closed before the answer was complete. */
  aborted: string[];
  /** Model loads (cold loads and reloads for another num_ctx). */
  loads: number;
  /** The loaded model and its num_ctx (what `/api/ps` reports). */
  loaded: Map<string, number>;
  set(behaviour: Partial<StandInBehaviour>): void;
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_BEHAVIOUR: StandInBehaviour = { mode: 'answer', answer: () => '{}', coldLoadMs: 0, chunkDelayMs: 0, chunkSize: 12 };
const DEFAULT_NUM_CTX = 4096;
const VERSION = '0.12.6';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A JPEG sent to Ollama: plain base64 (Go's StdEncoding), SOI first, EOI last. */
export function imageProblem(image: unknown): string | undefined {
  if (typeof image !== 'string') return 'image is not a base64 string';
  if (image.startsWith('data:')) return 'image has a data: URL prefix (Ollama wants plain base64)';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(image) || image.length % 4 !== 0) return 'illegal base64 data';
  const bytes = Buffer.from(image, 'base64');
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return 'image is not a JPEG';
  if (bytes[bytes.length - 2] !== 0xff || bytes[bytes.length - 1] !== 0xd9) return 'image is a cut-off JPEG';
  return undefined;
}

/** `format` is "json" or a JSON schema object (Ollama turns the schema into a grammar). */
export function formatProblem(format: unknown): string | undefined {
  if (format === undefined || format === '' || format === 'json') return undefined;
  if (typeof format !== 'object' || format === null || Array.isArray(format)) return `invalid format: ${JSON.stringify(format)}`;
  const schema = format as Record<string, unknown>;
  if (typeof schema.type !== 'string' && !schema.anyOf && !schema.oneOf && !schema.$ref) return 'format is not a JSON schema (no type)';
  return undefined;
}

const digestOf = (name: string): string => {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h.toString(16).padStart(8, '0').repeat(8);
};

function details(model: StandInModel) {
  const family = model.family ?? 'qwen3vl';
  return { parent_model: '', format: 'gguf', family, families: [family], parameter_size: '4.4B', quantization_level: 'Q4_K_M' };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

/** Starts the stand-in on 127.0.0.1 (port 0 = any free one). */
export async function startOllamaStandIn(options: { models?: StandInModel[]; port?: number } = {}): Promise<OllamaStandIn> {
  const models: StandInModel[] = options.models ?? [
    { name: 'qwen3-vl:4b-instruct', capabilities: ['completion', 'vision'] },
    { name: 'gemma3:4b', capabilities: ['completion', 'vision'], family: 'gemma3' },
    { name: 'qwen3:4b', capabilities: ['completion', 'tools', 'thinking'], family: 'qwen3' },
  ];
  const state: OllamaStandIn = {
    url: '',
    models,
    behaviour: { ...DEFAULT_BEHAVIOUR },
    requests: [],
    aborted: [],
    loads: 0,
    loaded: new Map(),
    set(behaviour) {
      Object.assign(state.behaviour, behaviour);
    },
    reset() {
      state.behaviour = { ...DEFAULT_BEHAVIOUR };
      state.requests.length = 0;
      state.aborted.length = 0;
      state.loads = 0;
      state.loaded.clear();
    },
    close: async () => {},
  };
  const find = (name: unknown): StandInModel | undefined => {
    if (typeof name !== 'string') return undefined;
    const full = name.includes(':') ? name : `${name}:latest`;
    return models.find((m) => m.name === full);
  };
  const notFound = (res: ServerResponse, name: unknown): void => sendJson(res, 404, { error: `model '${String(name)}' not found` });

  /** A cold load (or a reload for another num_ctx) happens before any response header. */
  const load = async (model: StandInModel, body: ChatBody): Promise<void> => {
    const numCtx = typeof body.options?.num_ctx === 'number' ? body.options.num_ctx : DEFAULT_NUM_CTX;
    if (state.loaded.get(model.name) === numCtx) return;
    state.loads++;
    if (state.behaviour.coldLoadMs > 0) await sleep(state.behaviour.coldLoadMs);
    state.loaded.clear(); // one model at a time, as on an 8 GB GPU
    state.loaded.set(model.name, numCtx);
  };

  const created = (): string => new Date().toISOString();

  async function chat(req: IncomingMessage, res: ServerResponse, body: ChatBody): Promise<void> {
    const model = find(body.model);
    if (!model) return notFound(res, body.model);
    const problem = formatProblem(body.format);
    if (problem) return sendJson(res, 400, { error: problem });
    for (const message of body.messages ?? []) {
      for (const image of message.images ?? []) {
        const bad = imageProblem(image);
        if (bad) return sendJson(res, 400, { error: bad });
      }
      if ((message.images?.length ?? 0) > 0 && !model.capabilities.includes('vision')) {
        return sendJson(res, 500, { error: `model ${model.name} does not support images` });
      }
    }
    if (body.think === true && !model.capabilities.includes('thinking')) {
      return sendJson(res, 400, { error: `"${model.name}" does not support thinking` });
    }
    const behaviour = state.behaviour;
    if (behaviour.mode === 'hang') return; // never answers; the client must abort
    await load(model, body);
    if (res.destroyed) return;
    if (behaviour.mode === 'error_500') return sendJson(res, 500, { error: 'llama runner process has terminated: exit status 2' });
    if (body.keep_alive === 0 || body.keep_alive === '0') state.loaded.delete(model.name);

    const stream = body.stream !== false;
    const numPredict = typeof body.options?.num_predict === 'number' ? body.options.num_predict : -1;
    let content = behaviour.answer(body);
    let doneReason = 'stop';
    if (behaviour.mode === 'invalid_json') content = 'Sure! Here is your check-in: {"summary": "Good morning';
    if (behaviour.mode === 'wrong_json') content = JSON.stringify({ greeting: 'hello', mood: 7 });
    if (behaviour.mode === 'empty') content = '';
    if (behaviour.mode === 'cut_off') {
      content = content.slice(0, Math.max(1, Math.floor(content.length / 2)));
      doneReason = 'length';
    }
    if ((body.messages ?? []).length === 0) {
      content = '';
      doneReason = body.keep_alive === 0 ? 'unload' : 'load';
    }
    const thinking = behaviour.mode === 'thinking' ? 'The person asked for a check-in. Let me look at the routines first.' : '';
    const final = {
      model: model.name,
      created_at: created(),
      message: { role: 'assistant', content: '' },
      done: true,
      done_reason: doneReason,
      total_duration: 1_234_000_000,
      load_duration: behaviour.coldLoadMs * 1_000_000,
      prompt_eval_count: 812,
      prompt_eval_duration: 300_000_000,
      eval_count: Math.max(1, Math.ceil(content.length / 4)),
      eval_duration: 900_000_000,
    };
    if (numPredict > 0 && final.eval_count > numPredict && doneReason === 'stop') {
      content = content.slice(0, numPredict * 4);
      final.done_reason = 'length';
      final.eval_count = numPredict;
    }
    if (!stream) {
      return sendJson(res, 200, { ...final, message: { role: 'assistant', content, ...(thinking ? { thinking } : {}) } });
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const line = (obj: unknown): boolean => res.write(`${JSON.stringify(obj)}\n`);
    const pieces = (text: string): string[] => text.match(new RegExp(`[\\s\\S]{1,${behaviour.chunkSize}}`, 'g')) ?? [];
    let sent = 0;
    for (const piece of pieces(thinking)) {
      if (res.destroyed) return;
      line({ model: model.name, created_at: created(), message: { role: 'assistant', content: '', thinking: piece }, done: false });
      if (behaviour.chunkDelayMs) await sleep(behaviour.chunkDelayMs);
    }
    for (const piece of pieces(content)) {
      if (res.destroyed) return;
      line({ model: model.name, created_at: created(), message: { role: 'assistant', content: piece }, done: false });
      sent++;
      if (behaviour.mode === 'error_midstream' && sent === 2) {
        line({ error: 'an error was encountered while running the model: CUDA error: out of memory' });
        return void res.end();
      }
      if (behaviour.mode === 'stall' && sent === 2) return; // keeps the connection open, says nothing more
      if (behaviour.chunkDelayMs) await sleep(behaviour.chunkDelayMs);
    }
    if (res.destroyed) return;
    line(final);
    res.end();
  }

  async function generate(res: ServerResponse, body: ChatBody): Promise<void> {
    const model = find(body.model);
    if (!model) return notFound(res, body.model);
    if (state.behaviour.mode === 'hang') return;
    if (typeof body.prompt === 'string' && body.prompt.length > 0) {
      return sendJson(res, 501, { error: 'the stand-in answers /api/generate only load-only (no prompt)' });
    }
    const unload = body.keep_alive === 0 || body.keep_alive === '0';
    if (unload) state.loaded.delete(model.name);
    else await load(model, body);
    if (res.destroyed) return;
    const answer = { model: model.name, created_at: created(), response: '', done: true, done_reason: unload ? 'unload' : 'load' };
    if (body.stream === false) return sendJson(res, 200, answer);
    res.writeHead(200, { 'content-type': 'application/x-ndjson' }).end(`${JSON.stringify(answer)}\n`);
  }

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const record: RecordedRequest = { method: req.method ?? 'GET', path, body: undefined, at: Date.now() };
    state.requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) state.aborted.push(path);
    });
    void (async () => {
      let body: ChatBody | undefined;
      if (req.method === 'POST') {
        const text = await readBody(req);
        try {
          body = JSON.parse(text) as ChatBody;
        } catch {
          return sendJson(res, 400, { error: 'invalid character in request body' });
        }
        record.body = body;
      }
      if (req.method === 'GET' && path === '/api/version') return sendJson(res, 200, { version: VERSION });
      if (req.method === 'GET' && path === '/api/tags') {
        return sendJson(res, 200, {
          models: models.map((m) => ({
            name: m.name,
            model: m.name,
            modified_at: '2026-10-01T12:00:00Z',
            size: 3_300_000_000,
            digest: m.digest ?? digestOf(m.name),
            details: details(m),
          })),
        });
      }
      if (req.method === 'GET' && path === '/api/ps') {
        return sendJson(res, 200, {
          models: [...state.loaded].map(([name, numCtx]) => {
            const m = find(name)!;
            return {
              name,
              model: name,
              size: 5_000_000_000,
              digest: m.digest ?? digestOf(name),
              details: details(m),
              expires_at: new Date(Date.now() + 300_000).toISOString(),
              size_vram: 5_000_000_000,
              context_length: numCtx,
            };
          }),
        });
      }
      if (req.method === 'POST' && path === '/api/show') {
        const model = find(body?.model);
        if (!model) return notFound(res, body?.model);
        const family = model.family ?? 'qwen3vl';
        return sendJson(res, 200, {
          license: '',
          modelfile: `FROM ${model.name}`,
          parameters: 'temperature 0.7\ntop_p 0.8',
          template: '{{ .Prompt }}',
          details: details(model),
          model_info: { 'general.architecture': family, 'general.parameter_count': 4_400_000_000 },
          capabilities: model.capabilities,
          modified_at: '2026-10-01T12:00:00Z',
        });
      }
      if (req.method === 'POST' && path === '/api/chat') return chat(req, res, body!);
      if (req.method === 'POST' && path === '/api/generate') return generate(res, body!);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
    })().catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** A real Ollama for the same tests, when HEARTH_TEST_OLLAMA_URL is set. */
export function realOllamaFromEnv(): { url: string; model: string } | undefined {
  const url = process.env.HEARTH_TEST_OLLAMA_URL;
  if (!url) return undefined;
  return { url, model: process.env.HEARTH_TEST_OLLAMA_MODEL ?? 'qwen3-vl:4b-instruct' };
}

/**
 * A plausible answer for the sandbox and benches: reads the facts JSON hearth's prompt carries
 * (after "Facts:") and names the open routines, as a model following the system prompt would.
 * Deterministic, so it never stands in for judging a real model's quality.
 */
export function answerFromFacts(request: ChatBody): string {
  const prompt = request.messages?.at(-1)?.content ?? '';
  const at = prompt.indexOf('Facts:');
  let facts: {
    person?: { name?: string };
    routines?: Array<{ id: string; title: string; status: string }>;
    todos?: Array<{ summary: string }>;
  } = {};
  try {
    facts = JSON.parse(prompt.slice(at + 'Facts:'.length)) as typeof facts;
  } catch {
    // no facts: an empty check-in
  }
  const routines = facts.routines ?? [];
  const open = routines.filter((r) => r.status === 'pending' || r.status === 'snoozed');
  const done = routines.filter((r) => r.status === 'done');
  const name = facts.person?.name ?? 'there';
  const lower = (t: string): string => t.charAt(0).toLowerCase() + t.slice(1);
  const summary = open.length ? `Next up: ${open.map((r) => lower(r.title)).join(', ')}` : 'All caught up';
  const parts = [`Hi ${name}!`];
  if (done.length) parts.push(`Nice work on ${done.map((r) => lower(r.title)).join(' and ')}.`);
  if (open.length) parts.push(`When you have a moment: ${open.map((r) => lower(r.title)).join(', ')}.`);
  if (facts.todos?.length) parts.push(`Also on your list: ${facts.todos[0]!.summary}.`);
  const images = request.messages?.at(-1)?.images?.length ?? 0;
  return JSON.stringify({
    summary: summary.slice(0, 120),
    message: parts.join(' ').slice(0, 800),
    observations: images ? [`${images} picture${images > 1 ? 's' : ''} looked at.`] : [],
    routines: [...open.map((r) => ({ id: r.id, suggestion: 'do_now' })), ...done.map((r) => ({ id: r.id, suggestion: 'well_done' }))].slice(
      0,
      8,
    ),
  });
}
