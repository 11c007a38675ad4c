/**
 * One JSON request to Ollama over node:http(s): the model check's `/api/show` and `/api/tags`
 * (client.ts). Not through ollama-js or fetch: ollama-js reads the global `Headers` on every
 * request, and that, like `fetch`, loads Node's undici — measured +6 to +10 MB RSS in a hub
 * whose coach is otherwise idle and only checked its model at start (bench/lifecoach.ts).
 * Check-ins (warm-up, chat) still go through ollama-js, loaded then.
 *
 * Resolves to the HTTP status and the body (parsed JSON; the text when it is not JSON), for any
 * status. Rejects with the socket's error (its `code`: ECONNREFUSED, ECONNRESET, …), with
 * `signal.reason` when the signal aborts (a TimeoutError from AbortSignal.timeout), or when the
 * body exceeds `MAX_BODY_BYTES`.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';

/** `/api/show` carries the model's license and template: generous, but bounded. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface JsonResponse {
  status: number;
  body: unknown;
}

/**
 * `method` `host` + `path` with `body` as JSON (POST) or none (GET). `host`: the configured
 * `ollama.host` (`http(s)://name:port`).
 */
export async function ollamaJson(host: string, path: string, body: unknown, signal: AbortSignal): Promise<JsonResponse> {
  signal.throwIfAborted();
  const url = new URL(path, host);
  const request = url.protocol === 'https:' ? (await import('node:https')).request : httpRequest;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<JsonResponse>((resolve, reject) => {
    const req = request(url, {
      method: payload === undefined ? 'GET' : 'POST',
      headers: {
        accept: 'application/json',
        ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
      },
    });
    const onAbort = (): void => {
      req.destroy();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const settle =
      <T>(f: (v: T) => void) =>
      (v: T) => {
        signal.removeEventListener('abort', onAbort);
        f(v);
      };
    const fail = settle(reject);
    req.on('error', fail);
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          req.destroy();
          return fail(new Error(`${url.pathname}: the answer is larger than ${MAX_BODY_BYTES} bytes`));
        }
        chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // Not JSON (a proxy's error page, Ollama's plain 404): the text is the answer.
        }
        settle(resolve)({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.end(payload);
  });
}
