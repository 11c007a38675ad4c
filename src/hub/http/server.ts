/**
 * hearth's HTTP API (express 5): `/healthz` without auth, everything else behind a bearer
 * token. Binds to the configured host (default 127.0.0.1).
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../log.js';
import { bearerAuth } from './auth.js';

export type UnitHealth = 'connected' | 'connecting' | 'disconnected' | 'ok' | 'error' | 'stopped' | (string & {});

export interface Health {
  ha: UnitHealth;
  mqtt: UnitHealth;
  store: UnitHealth;
}

export class NotFoundError extends Error {}

export interface HttpApiDeps {
  host: string;
  port: number;
  /** The token (read from its file at start and on reload). */
  token: () => string;
  logger: Logger;
  health: () => Health;
  status: () => unknown;
  metrics: () => string | Promise<string>;
  /**
   * More routes behind the bearer token (`auth`), asked for on each request (a reload swaps
   * the unit that has them): the life coach's stills and check-ins (hub/lifecoach/unit.ts).
   */
  extraRoutes?: (auth: RequestHandler) => RequestHandler | undefined;
  routines: {
    list: () => unknown;
    /** Makes a routine due now; throws NotFoundError for an unknown id. `source`: `cli` when hearth's CLI asked. */
    due: (id: string, source?: 'api' | 'cli') => Promise<unknown> | unknown;
    /** Marks done / snooze / skip from the API (or the CLI). */
    command?: (id: string, command: string, source?: 'api' | 'cli') => Promise<unknown> | unknown;
  };
}

/** Header by which hearth's own CLI says it is the caller (the history records `cli`, not `api`). */
export const CLIENT_HEADER = 'x-hearth-client';
const clientOf = (req: Request): 'api' | 'cli' => (req.get(CLIENT_HEADER) === 'cli' ? 'cli' : 'api');

export interface HttpApi {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The bound address (after start), e.g. for tests using port 0. */
  address(): { host: string; port: number } | undefined;
}

const HEALTHY = new Set(['connected', 'ok']);
/** The largest request body accepted, whatever its content type (the API's bodies are tiny JSON). */
export const BODY_LIMIT = '16kb';

export function createHttpApi(deps: HttpApiDeps): HttpApi {
  const log = deps.logger.child({ unit: 'http' });
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.get('/healthz', (_req, res) => {
    const health = deps.health();
    const ok = Object.values(health).every((s) => HEALTHY.has(s));
    res.status(ok ? 200 : 503).json(health);
  });

  const api = express.Router();
  const auth = bearerAuth(deps.token);
  api.use(auth);
  api.use(express.json({ limit: BODY_LIMIT }));
  // Every other content type (or none) is read and dropped up to the same limit: no route takes
  // a non-JSON body, but the limit must hold for every body (413 beyond it), not only JSON's.
  api.use(express.raw({ type: () => true, limit: BODY_LIMIT }));
  api.get('/api/status', (_req, res) => {
    res.json(deps.status());
  });
  api.get('/metrics', async (_req, res) => {
    res.type('text/plain; version=0.0.4; charset=utf-8').send(await deps.metrics());
  });
  api.get('/api/routines', (_req, res) => {
    res.json(deps.routines.list());
  });
  api.post('/api/routines/:id/due', async (req, res) => {
    res.json(await deps.routines.due(String(req.params.id), clientOf(req)));
  });
  api.post('/api/routines/:id/:command', async (req, res) => {
    const command = String(req.params.command);
    if (!deps.routines.command || !['done', 'snooze', 'skip'].includes(command)) {
      throw new NotFoundError(`unknown routine command "${command}" (use due, done, snooze or skip)`);
    }
    res.json(await deps.routines.command(String(req.params.id), command, clientOf(req)));
  });
  app.use(api);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const routes = deps.extraRoutes?.(auth);
    if (routes) routes(req, res, next);
    else next();
  });

  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: `no such endpoint: ${req.method} ${req.path}` });
  });
  app.use((err: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof NotFoundError) return void res.status(404).json({ error: err.message });
    if (err.type === 'entity.parse.failed') return void res.status(400).json({ error: `request body is not valid JSON: ${err.message}` });
    if (err.status && err.status >= 400 && err.status < 500) return void res.status(err.status).json({ error: err.message });
    log.error({ err: err.message, path: req.path }, 'request failed');
    res.status(500).json({ error: 'internal error' });
  });

  let server: Server | undefined;
  return {
    start() {
      return new Promise((resolve, reject) => {
        const s = app.listen(deps.port, deps.host);
        s.once('listening', () => {
          server = s;
          const a = s.address() as AddressInfo;
          log.info({ host: a.address, port: a.port }, 'HTTP API listening');
          resolve();
        });
        s.once('error', reject);
      });
    },
    stop() {
      return new Promise((resolve) => {
        if (!server) return resolve();
        const s = server;
        server = undefined;
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
    address() {
      const a = server?.address() as AddressInfo | null | undefined;
      return a ? { host: a.address, port: a.port } : undefined;
    },
  };
}
