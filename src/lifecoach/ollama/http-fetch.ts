/**
 * The fetch ollama-js is given (client.ts): the request over node:http(s), the answer as a real
 * `Response` whose body is the socket's stream. Not Node's own fetch: its HTTP client (undici)
 * compiles a WebAssembly HTTP parser on its first request, measured as a ~30 MB transient peak
 * (and ~2 MB kept) at the coach's first check-in, for a client that sends a few requests a day
 * (bench/lifecoach.ts; alone: VmHWM +42 MB against +11 MB over node:http).
 *
 * What ollama-js passes, and all this takes: a URL (string or URL), `method`, a string or bytes
 * `body`, `headers`, `signal`. Like fetch it rejects with `signal.reason` when aborted before
 * the answer, and after it the body's stream errors with that reason; a socket's error (its
 * `code`: ECONNREFUSED, ECONNRESET, …) rejects or errors the body likewise.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

/** Statuses whose answer has no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 204, 205, 304]);

export async function httpFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  if (typeof input !== 'string' && !(input instanceof URL)) throw new TypeError('httpFetch takes a URL, not a Request');
  const url = new URL(input);
  const { signal, body } = init;
  signal?.throwIfAborted();
  if (body != null && typeof body !== 'string' && !(body instanceof Uint8Array)) throw new TypeError('httpFetch sends a string or bytes');
  const request = url.protocol === 'https:' ? (await import('node:https')).request : url.protocol === 'http:' ? httpRequest : undefined;
  if (!request) throw new TypeError(`httpFetch: unsupported protocol ${url.protocol}`);
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, key) => (headers[key] = value));
  const method = init.method ?? 'GET';

  return new Promise<Response>((resolve, reject) => {
    let answer: IncomingMessage | undefined;
    const req = request(url, { method, headers });
    const onAbort = (): void => {
      if (answer) answer.destroy(signal!.reason as Error);
      else {
        req.destroy();
        reject(signal!.reason);
      }
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => signal?.removeEventListener('abort', onAbort);
    req.on('error', (error) => {
      if (answer) return; // the body's stream carries it
      done();
      reject(error);
    });
    req.on('response', (res: IncomingMessage) => {
      answer = res;
      res.on('close', done);
      const status = res.statusCode ?? 0;
      const resHeaders = new Headers();
      for (const [key, value] of Object.entries(res.headers)) {
        for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) resHeaders.append(key, one);
      }
      const noBody = method === 'HEAD' || NULL_BODY.has(status);
      if (noBody) res.resume();
      resolve(
        new Response(noBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
          status,
          statusText: res.statusMessage ?? '',
          headers: resHeaders,
        }),
      );
    });
    req.end(body ?? undefined);
  });
}
