import { describe, expect, it } from 'vitest';
import { createHub } from '../../../src/hub/service.js';
import { silentLogger } from '../../../src/log.js';

describe('hub reload', () => {
  it('a SIGHUP before start() finished is a no-op, not a crash (an unhandled rejection would end the process)', async () => {
    const hub = createHub({ configFile: 'hearth.yaml', devicesDir: 'devices', logger: silentLogger(), env: {}, onFatal: () => {} });
    await expect(Promise.all([hub.reload(), hub.reload()])).resolves.toEqual([false, false]);
  });
});
