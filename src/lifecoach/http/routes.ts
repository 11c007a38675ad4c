/**
 * The coach's HTTP endpoints as an express Router, mounted by the hub's HTTP server:
 * - `GET /stills/:camera.jpg`: a fresh still (captured now, queued behind any other capture);
 *   404 for a camera that is not configured (names are checked against the configured list,
 *   never used as paths), 503 with the reason when the cameras are off, capture_when does not
 *   allow it, or the camera is missing, busy or times out;
 * - `POST /api/checkin`: starts a check-in (202), or `?wait=1` answers with its record;
 * - `GET /api/checkins?limit=&before=` and `GET /api/checkins/:id`: the stored records.
 *
 * The router takes the bearer-token middleware as a required dependency, so it cannot be
 * mounted without it (stills are private). Every capture is recorded (never the image).
 */
import express, { type RequestHandler, type Router } from 'express';
import type { CheckinRecord, CheckinStore } from '../store.js';
import type { CameraSet } from '../stills/camera-set.js';

export interface CoachRouteDeps {
  /** The hub's bearer-token check. */
  auth: RequestHandler;
  cameras: Pick<CameraSet, 'names' | 'captureAll'>;
  /** Why stills may not be captured now (cameras off, capture_when), or undefined when they may. */
  captureBlocked(): Promise<string | undefined> | string | undefined;
  /** Undefined on a hearth that only serves stills (the coach runs in another process or host). */
  runCheckin?: ((trigger: 'api' | 'cli') => Promise<CheckinRecord>) | undefined;
  store: Pick<CheckinStore, 'list' | 'get' | 'saveCaptures'>;
}

const CAMERA_NAME = /^[a-z0-9]([a-z0-9_-]{0,62}[a-z0-9])?$/;

export function coachRouter(deps: CoachRouteDeps): Router {
  const router = express.Router();
  router.use(deps.auth);

  router.get('/stills/:file', async (req, res) => {
    const file = String(req.params.file);
    const name = file.endsWith('.jpg') ? file.slice(0, -4) : '';
    if (!CAMERA_NAME.test(name) || !deps.cameras.names.includes(name)) {
      return void res
        .status(404)
        .json({ error: `no camera "${file}" (known: ${deps.cameras.names.map((n) => `${n}.jpg`).join(', ') || 'none'})` });
    }
    const blocked = await deps.captureBlocked();
    if (blocked)
      return void res
        .status(503)
        .set('Retry-After', '60')
        .json({ error: `no still: ${blocked}`, reason: blocked });
    const round = await deps.cameras.captureAll('http', { only: [name] });
    deps.store.saveCaptures(round.records);
    const still = round.stills[0];
    if (!still) {
      const failure = round.failures[0];
      return void res
        .status(503)
        .set('Retry-After', '10')
        .json({
          error: `camera ${name}: ${failure?.reason ?? 'no still'}: ${failure?.detail ?? ''}`.trim(),
          reason: failure?.reason ?? 'no_still',
        });
    }
    res.set({ 'Cache-Control': 'no-store', 'X-Still-Quality': still.quality, 'Last-Modified': new Date(still.capturedAt).toUTCString() });
    res.type('image/jpeg').send(still.jpeg);
  });

  router.post('/api/checkin', async (req, res) => {
    if (!deps.runCheckin)
      return void res
        .status(404)
        .json({ error: 'the life coach does not run in this hearth (lifecoach.placement: it runs in its own process or on another host)' });
    // `hearth checkin now` says it is the CLI (the header the hub's routine commands send too).
    const run = deps.runCheckin(req.get('x-hearth-client') === 'cli' ? 'cli' : 'api');
    if (req.query.wait === '1' || req.query.wait === 'true') return void res.json(await run);
    run.catch(() => {}); // the runner records and logs its own faults
    res.status(202).json({ status: 'started' });
  });

  router.get('/api/checkins', (req, res) => {
    const limit = req.query.limit === undefined ? 20 : Number(req.query.limit);
    const before = req.query.before === undefined ? undefined : Number(req.query.before);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      return void res.status(400).json({ error: 'limit must be a whole number from 1 to 500' });
    if (before !== undefined && !Number.isFinite(before)) return void res.status(400).json({ error: 'before must be epoch milliseconds' });
    res.json(deps.store.list(before === undefined ? { limit } : { limit, before }));
  });

  router.get('/api/checkins/:id', (req, res) => {
    const record = deps.store.get(String(req.params.id));
    if (!record) return void res.status(404).json({ error: `no check-in "${String(req.params.id)}"` });
    res.json(record);
  });

  return router;
}
