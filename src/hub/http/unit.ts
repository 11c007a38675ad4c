/** The HTTP API (server.ts) as a hub unit: bound on `start`, closed on `stop`. */
import type { HubUnit } from '../unit.js';
import { createHttpApi, type HttpApi, type HttpApiDeps } from './server.js';

export interface HttpUnit extends HubUnit {
  readonly api: HttpApi | undefined;
}

export function createHttpUnit(deps: HttpApiDeps): HttpUnit {
  let api: HttpApi | undefined;
  let stopped = false;
  return {
    name: 'http',
    get api() {
      return api;
    },
    async start() {
      api = createHttpApi(deps);
      await api.start();
      if (stopped) await api.stop(); // stop() ran while it was binding
    },
    async stop() {
      stopped = true;
      await api?.stop();
    },
  };
}
