/**
 * The coach's model client: the `ollama` package against the configured host, with what a
 * check-in needs from Ollama's API (docs/api.md):
 * - `checkModel()`: `/api/show` (exists? `vision` in `capabilities`?) and `/api/tags` (digest),
 *   two plain JSON requests over node:http (http-json.ts: the coach checks its model at start,
 *   and ollama-js there would load Node's fetch into an otherwise idle hub);
 * - `warmUp()`: a load-only `/api/generate` (no prompt) with the same `num_ctx` and `keep_alive`
 *   as the check-in (a different `num_ctx` reloads the model);
 * - `chat()`: streamed `/api/chat` with `think: false`, `format` = the JSON schema of the zod
 *   answer schema, temperature 0, fixed `num_ctx`, `num_predict` cap; an empty answer or one cut
 *   off (`done_reason: "length"`) is invalid; the answer is validated with zod.
 *
 * Every request carries an AbortSignal through the fetch the client is built with (http-fetch.ts,
 * over node:http): the total deadline, the first-token and the stall timeout abort it at any
 * stage, also while a cold load holds back the response headers (ollama-js's own abort only
 * reaches a stream once it has started). Failures are OllamaFailure with a kind (failure.ts). The `ollama` package is
 * imported at the first warm-up or chat, not with the coach.
 */
import type { ChatResponse, ListResponse, Ollama, ShowResponse } from 'ollama';
import { z } from 'zod';
import type { OllamaSettings } from '../../config/lifecoach.js';
import { startDeadlines } from './deadlines.js';
import { classifyOllamaError, OllamaFailure } from './failure.js';
import { httpFetch } from './http-fetch.js';
import { ollamaJson, type JsonResponse } from './http-json.js';

export type OllamaClientSettings = Pick<
  OllamaSettings,
  'host' | 'model' | 'num_ctx' | 'num_predict' | 'keep_alive' | 'deadline' | 'first_token_timeout' | 'stall_timeout' | 'request_timeout'
>;

export type ModelStatus = 'ok' | 'model_missing' | 'no_vision' | 'unreachable' | 'error';

export interface ModelCheck {
  status: ModelStatus;
  model: string;
  capabilities?: string[];
  /** From `/api/tags`; what the check-in record keeps beside the name. */
  digest?: string;
  detail?: string;
}

export interface ChatInput<T> {
  system: string;
  prompt: string;
  /** JPEG bytes; sent as plain base64. */
  images: readonly Uint8Array[];
  schema: z.ZodType<T>;
  signal?: AbortSignal;
}

export interface ChatTimings {
  /** Request sent → first chunk (includes a cold load), ms. */
  firstTokenMs: number;
  totalMs: number;
  /** Ollama's own figures (final chunk), ms. */
  loadMs?: number;
  promptEvalCount?: number;
  evalCount?: number;
}

export interface ChatResult<T> {
  answer: T;
  raw: string;
  model: string;
  timings: ChatTimings;
  /** Whether the model emitted thinking although asked not to (ignored, but worth knowing). */
  thought: boolean;
}

export interface OllamaClient {
  readonly model: string;
  checkModel(signal?: AbortSignal): Promise<ModelCheck>;
  /** Loads the model without generating; resolves to the wall time in ms. Throws OllamaFailure. */
  warmUp(signal?: AbortSignal): Promise<number>;
  /** Throws OllamaFailure. */
  chat<T>(input: ChatInput<T>): Promise<ChatResult<T>>;
}

/** The JSON schema Ollama gets as `format` (zod 4's own conversion, without the `$schema` URI). */
export function answerFormat(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/** A fetch whose every request also ends when `signal` aborts. */
function fetchWith(signal: AbortSignal, base: FetchLike): typeof fetch {
  return (input, init) => base(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
}

const nsToMs = (ns: unknown): number | undefined => (typeof ns === 'number' && Number.isFinite(ns) ? Math.round(ns / 1e6) : undefined);

/** Zod issues in one line: `path: message; …` (at most three). */
function issuesLine(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/**
 * The body of a 2xx answer; otherwise throws what ollama-js throws for it (an Error with
 * `status_code` and Ollama's `error` text), so failure.ts classifies both alike.
 */
function okBody(path: string, r: JsonResponse): unknown {
  if (r.status >= 200 && r.status < 300) return r.body;
  const text =
    r.body && typeof r.body === 'object' && typeof (r.body as { error?: unknown }).error === 'string'
      ? (r.body as { error: string }).error
      : typeof r.body === 'string' && r.body.trim()
        ? r.body.trim()
        : `Error ${r.status}`;
  throw Object.assign(new Error(text), { status_code: r.status, path });
}

type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * The client for `settings`. `deps.fetch`: what ollama-js sends warm-ups and chats with
 * (default http-fetch.ts over node:http, not Node's fetch); the model check does not use it.
 */
export function createOllamaClient(settings: OllamaClientSettings, deps: { fetch?: FetchLike } = {}): OllamaClient {
  const baseFetch = deps.fetch ?? httpFetch;
  const keepAlive = `${settings.keep_alive}s`;
  let ollama: Promise<typeof import('ollama')> | undefined;
  const clientFor = async (signal: AbortSignal): Promise<Ollama> => {
    const { Ollama } = await (ollama ??= import('ollama'));
    return new Ollama({ host: settings.host, fetch: fetchWith(signal, baseFetch) });
  };
  const requestSignal = (outer?: AbortSignal): AbortSignal => {
    const timeout = AbortSignal.timeout(settings.request_timeout * 1000);
    return outer ? AbortSignal.any([timeout, outer]) : timeout;
  };

  async function checkModel(signal?: AbortSignal): Promise<ModelCheck> {
    const model = settings.model;
    const requestSig = requestSignal(signal);
    let show: Partial<ShowResponse>;
    try {
      show = okBody('/api/show', await ollamaJson(settings.host, '/api/show', { model }, requestSig)) as Partial<ShowResponse>;
    } catch (error) {
      const failure = classifyOllamaError(error, false);
      if (failure.kind === 'model_not_found')
        return { status: 'model_missing', model, detail: `model "${model}" is not on ${settings.host} (ollama pull ${model})` };
      if (failure.kind === 'unreachable' || (error as Error)?.name === 'TimeoutError')
        return { status: 'unreachable', model, detail: failure.message };
      return { status: 'error', model, detail: `${failure.kind}: ${failure.message}` };
    }
    const capabilities = Array.isArray(show.capabilities) ? show.capabilities : [];
    const check: ModelCheck = { status: capabilities.includes('vision') ? 'ok' : 'no_vision', model, capabilities };
    if (check.status === 'no_vision')
      check.detail = `model "${model}" has no vision capability (it has ${capabilities.join(', ') || 'none'})`;
    try {
      const tags = okBody('/api/tags', await ollamaJson(settings.host, '/api/tags', undefined, requestSig)) as Partial<ListResponse>;
      const wanted = model.includes(':') ? model : `${model}:latest`;
      const entry = tags.models?.find((m) => m.name === wanted || m.model === wanted);
      if (entry?.digest) check.digest = entry.digest;
    } catch {
      // The digest is for the record only; show already answered.
    }
    return check;
  }

  async function warmUp(signal?: AbortSignal): Promise<number> {
    const started = performance.now();
    const deadlines = startDeadlines(
      { totalMs: settings.deadline * 1000, firstTokenMs: settings.first_token_timeout * 1000, stallMs: settings.deadline * 1000 },
      signal,
    );
    try {
      // No prompt: Ollama loads the model and answers done_reason "load".
      await (
        await clientFor(deadlines.signal)
      ).generate({
        model: settings.model,
        prompt: '',
        keep_alive: keepAlive,
        stream: false,
        options: { num_ctx: settings.num_ctx },
      });
      return performance.now() - started;
    } catch (error) {
      if (deadlines.fired) throw new OllamaFailure(deadlines.fired, `warm-up: ${deadlines.fired}`);
      throw classifyOllamaError(error, false);
    } finally {
      deadlines.dispose();
    }
  }

  async function chat<T>(input: ChatInput<T>): Promise<ChatResult<T>> {
    const started = performance.now();
    const deadlines = startDeadlines(
      { totalMs: settings.deadline * 1000, firstTokenMs: settings.first_token_timeout * 1000, stallMs: settings.stall_timeout * 1000 },
      input.signal,
    );
    let firstTokenMs: number | undefined;
    let raw = '';
    let thought = false;
    let final: ChatResponse | undefined;
    let streamOpen = false;
    try {
      const stream = await (
        await clientFor(deadlines.signal)
      ).chat({
        model: settings.model,
        messages: [
          { role: 'system', content: input.system },
          { role: 'user', content: input.prompt, images: input.images.map((jpeg) => Buffer.from(jpeg).toString('base64')) },
        ],
        stream: true,
        think: false,
        format: answerFormat(input.schema),
        keep_alive: keepAlive,
        options: { temperature: 0, num_ctx: settings.num_ctx, num_predict: settings.num_predict },
      });
      streamOpen = true;
      for await (const part of stream) {
        deadlines.chunk();
        firstTokenMs ??= performance.now() - started;
        if (part.message?.thinking) thought = true;
        raw += part.message?.content ?? '';
        if (part.done) final = part;
      }
    } catch (error) {
      if (deadlines.fired) throw new OllamaFailure(deadlines.fired, describeTimeout(deadlines.fired, settings));
      throw classifyOllamaError(error, streamOpen);
    } finally {
      deadlines.dispose();
    }
    if (!final) throw new OllamaFailure('incomplete_stream', 'the stream ended without its done chunk');
    if (final.done_reason === 'length')
      throw new OllamaFailure('cut_off', `the answer was cut off at num_predict ${settings.num_predict} tokens`);
    if (raw.trim() === '') throw new OllamaFailure('empty', 'the model answered nothing');
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new OllamaFailure('invalid_answer', `not JSON: ${raw.slice(0, 120)}`);
    }
    const parsed = input.schema.safeParse(json);
    if (!parsed.success) throw new OllamaFailure('invalid_answer', `does not fit the answer schema: ${issuesLine(parsed.error)}`);
    const timings: ChatTimings = { firstTokenMs: Math.round(firstTokenMs ?? 0), totalMs: Math.round(performance.now() - started) };
    const loadMs = nsToMs(final.load_duration);
    if (loadMs !== undefined) timings.loadMs = loadMs;
    if (typeof final.prompt_eval_count === 'number') timings.promptEvalCount = final.prompt_eval_count;
    if (typeof final.eval_count === 'number') timings.evalCount = final.eval_count;
    return { answer: parsed.data, raw, model: final.model ?? settings.model, timings, thought };
  }

  return { model: settings.model, checkModel, warmUp, chat };
}

function describeTimeout(kind: string, s: OllamaClientSettings): string {
  if (kind === 'timeout_first_token') return `no first token within ${s.first_token_timeout}s (model still loading?)`;
  if (kind === 'timeout_stall') return `no chunk for ${s.stall_timeout}s mid-stream`;
  if (kind === 'timeout_total') return `no complete answer within the ${s.deadline}s deadline`;
  return 'aborted';
}
