/**
 * Ollama's ways to fail, told apart: for logs, the coach's health and the reason a check-in
 * fell back to routine data. Error shapes from Ollama's API: an HTTP status with
 * `{"error": "..."}` (404 `model 'x' not found`, 400 bad request, 500 runner errors), or an
 * `{"error": ...}` line in the middle of a streamed 200.
 */

export type OllamaFailureKind =
  /** Nothing answers at host:port (refused, no route, DNS). */
  | 'unreachable'
  /** 404 `model '…' not found`: not pulled on that host. */
  | 'model_not_found'
  /** The model exists but `/api/show` lists no `vision` capability. */
  | 'no_vision'
  /** Ollama refused the request (4xx other than 404). */
  | 'bad_request'
  /** 5xx before any chunk (runner crashed, out of memory while loading). */
  | 'server_error'
  /** An `{"error": ...}` line after the stream had started. */
  | 'stream_error'
  /** The stream ended (connection closed) without its `done` chunk. */
  | 'incomplete_stream'
  | 'timeout_total'
  /** No first chunk in time (a cold load happens before any header). */
  | 'timeout_first_token'
  /** Chunks stopped arriving mid-stream. */
  | 'timeout_stall'
  /** `done_reason: "length"`: cut off by num_predict. */
  | 'cut_off'
  | 'empty'
  /** Not JSON, or JSON that fails the answer schema. */
  | 'invalid_answer'
  /** The caller gave up (hub stopping). */
  | 'aborted';

export class OllamaFailure extends Error {
  constructor(
    readonly kind: OllamaFailureKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'OllamaFailure';
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNRESET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

function causeCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Any error out of the ollama client → an OllamaFailure. `started`: whether a chunk had
 * arrived (a network error after it is a broken stream, not an unreachable host).
 */
export function classifyOllamaError(error: unknown, started: boolean): OllamaFailure {
  if (error instanceof OllamaFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  const status = (error as { status_code?: unknown }).status_code;
  if (typeof status === 'number') {
    if (status === 404 && /not found/i.test(message)) return new OllamaFailure('model_not_found', message, status);
    if (status >= 500) return new OllamaFailure('server_error', message, status);
    return new OllamaFailure('bad_request', message, status);
  }
  // ollama-js throws a plain Error for these two stream conditions.
  if (message === 'Did not receive done or success response in stream.')
    return new OllamaFailure('incomplete_stream', 'the stream ended without its done chunk');
  const code = causeCode(error);
  if (code !== undefined && NETWORK_CODES.has(code)) {
    return started
      ? new OllamaFailure('incomplete_stream', `connection lost mid-stream (${code})`)
      : new OllamaFailure('unreachable', `${message} (${code})`);
  }
  if (/terminated|other side closed/i.test(message)) return new OllamaFailure('incomplete_stream', message);
  if (error instanceof TypeError && /fetch failed/i.test(message)) return new OllamaFailure('unreachable', message);
  // Anything else thrown while iterating is an `{"error": ...}` line of the stream.
  return new OllamaFailure(started ? 'stream_error' : 'server_error', message);
}
