/** The unit runner: start order, reverse stop, each call guarded, a replaced unit keeps its place. */
import { describe, expect, it } from 'vitest';
import type { HubUnit, Link } from '../../../src/hub/unit.js';
import { createUnitRunner } from '../../../src/hub/unit-runner.js';
import { silentLogger } from '../../../src/log.js';

function recorder() {
  const calls: string[] = [];
  const unit = (name: string, fail?: 'start' | 'stop' | 'reconnect', tag = name): HubUnit => ({
    name,
    start() {
      calls.push(`start ${tag}`);
      if (fail === 'start') throw new Error(`${tag} cannot start`);
    },
    async stop() {
      calls.push(`stop ${tag}`);
      if (fail === 'stop') throw new Error(`${tag} cannot stop`);
    },
    onReconnect(link: Link) {
      calls.push(`${link} ${tag}`);
      if (fail === 'reconnect') throw new Error('no');
    },
  });
  return { calls, unit };
}

describe('unit runner', () => {
  it('starts in order, stops in reverse; a failing start or stop does not stop the others', async () => {
    const { calls, unit } = recorder();
    const runner = createUnitRunner(silentLogger());
    await runner.run('a', () => unit('a'));
    await runner.run('b', () => unit('b', 'start'));
    await runner.run('c', () => unit('c', 'stop'));
    await runner.run('d', () => {
      throw new Error('cannot be made');
    });
    await runner.run('e', () => unit('e'));
    expect(runner.failures).toEqual({ b: 'b cannot start', d: 'cannot be made' });
    runner.reconnect('mqtt');
    await runner.stopAll();
    expect(calls).toEqual([
      'start a',
      'start b',
      'start c',
      'start e',
      'mqtt a',
      'mqtt b',
      'mqtt c',
      'mqtt e',
      'stop e',
      'stop c',
      'stop b',
      'stop a',
    ]);
    // A second stopAll stops nothing twice, and nothing starts after stopAll.
    await runner.stopAll();
    await runner.run('f', () => unit('f'));
    expect(calls.slice(12)).toEqual([]);
  });

  it('a replacement stops its predecessor first, gets it, and keeps its place in the order', async () => {
    const { calls, unit } = recorder();
    const runner = createUnitRunner(silentLogger());
    await runner.run('a', () => unit('a'));
    const first = unit('b', undefined, 'b1');
    await runner.run('b', () => first);
    await runner.run('c', () => unit('c'));
    let handed: HubUnit | undefined;
    await runner.run('b', (previous) => {
      handed = previous;
      return unit('b', undefined, 'b2');
    });
    expect(handed).toBe(first);
    expect(runner.get('b')).not.toBe(first);
    runner.reconnect('homeassistant');
    await runner.stopAll();
    expect(calls).toEqual([
      'start a',
      'start b1',
      'start c',
      'stop b1',
      'start b2',
      'homeassistant a',
      'homeassistant b2',
      'homeassistant c',
      'stop c',
      'stop b2',
      'stop a',
    ]);
  });

  it('a failing onReconnect is logged and the next unit still publishes', async () => {
    const { calls, unit } = recorder();
    const runner = createUnitRunner(silentLogger());
    await runner.run('a', () => unit('a', 'reconnect'));
    await runner.run('b', () => unit('b'));
    runner.reconnect('mqtt');
    expect(calls.filter((c) => c.startsWith('mqtt'))).toEqual(['mqtt a', 'mqtt b']);
  });
});
