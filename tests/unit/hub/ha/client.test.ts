/**
 * The HA client's reconnect rules against a fake HA websocket (fake-ha.ts; no network, so
 * fake timers are fine here): the heartbeat drops a half-open connection and the client
 * reconnects and resubscribes; nothing is sent to HA until it reports RUNNING, also after a
 * reconnect; a rejected token is fatal once, not a loop; stop() leaves no timer behind.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHaClient, type HaClient, type HaClientDeps } from '../../../../src/hub/ha/client.js';
import type { StateChange } from '../../../../src/hub/ha/state-changes.js';
import { silentLogger } from '../../../../src/log.js';
import { FakeHa } from '../fakes/fake-ha.js';

const HEARTBEAT = 1000;
const PONG_TIMEOUT = 500;
const CONNECT_TIMEOUT = 2000;

let ha: FakeHa;
let client: HaClient | undefined;
let fatal: Error[];

function make(overrides: Partial<HaClientDeps> = {}): HaClient {
  client = createHaClient({
    url: 'http://127.0.0.1:8123',
    token: () => 'good-token',
    tokenSource: 'file (test)',
    logger: silentLogger(),
    onFatal: (e) => fatal.push(e),
    heartbeatMs: HEARTBEAT,
    pongTimeoutMs: PONG_TIMEOUT,
    connectTimeoutMs: CONNECT_TIMEOUT,
    backoff: { initialMs: 200, maxMs: 1000, jitter: 0 },
    startingPollMs: 1000,
    WebSocketImpl: ha.WebSocket,
    ...overrides,
  });
  return client;
}

/** Lets queued microtasks (the fake's deliveries, promise chains) run without moving the clock much. */
const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(0);
};

beforeEach(() => {
  vi.useFakeTimers();
  ha = new FakeHa();
  fatal = [];
});
afterEach(async () => {
  await client?.stop();
  client = undefined;
  vi.useRealTimers();
});

describe('HA client: heartbeat', () => {
  it('pings every heartbeat interval and never drops a connection that answers', async () => {
    const c = make();
    c.start();
    await flush();
    expect(c.state).toBe('connected');
    await vi.advanceTimersByTimeAsync(HEARTBEAT * 10 + 10);
    expect(ha.sockets).toHaveLength(1);
    expect(ha.current!.sent('ping')).toHaveLength(10);
    expect(c.stats.heartbeatTimeouts).toBe(0);
    expect(c.state).toBe('connected');
  });

  it('drops a half-open connection after interval + timeout, reconnects once HA answers again, and resubscribes', async () => {
    const c = make();
    const changes: StateChange[] = [];
    const events: unknown[] = [];
    let running = 0;
    c.onRunning(() => running++);
    ha.setEntity('event.kitchen_button', '2026-01-01T08:00:00.000+00:00', 1000);
    c.subscribeStates(['event.kitchen_button'], (ch) => changes.push(ch));
    c.subscribeEvents('mobile_app_notification_action', (e) => events.push(e));
    c.start();
    await flush();
    expect(c.state).toBe('connected');
    expect(running).toBe(1);
    const first = ha.current!;
    expect(first.sent('subscribe_entities')).toHaveLength(1);
    expect(first.sent('subscribe_events').map((m) => m.event_type)).toEqual(['mobile_app_notification_action']);

    // HA is SIGSTOPped: the open socket answers nothing, and new connections hang in the backlog.
    ha.hang();
    ha.connect = 'hang';
    const inFlight = c.callService('light', 'turn_on', { effect: 'Pulse' }, { entity_id: 'light.kitchen_led' }).then(
      () => 'sent',
      (e: unknown) => e,
    );
    await vi.advanceTimersByTimeAsync(HEARTBEAT); // the ping goes out, unanswered
    expect(first.sent('ping')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(PONG_TIMEOUT - 10);
    expect(c.state).toBe('connected'); // not yet: the timeout has not run out
    await vi.advanceTimersByTimeAsync(20);
    expect(first.terminated).toBe(true);
    expect(c.stats.heartbeatTimeouts).toBe(1);
    expect(c.state).toBe('connecting');
    // A command sent into the dead socket is rejected, not left hanging (callers re-assert on RUNNING).
    expect(await inFlight).toMatchObject({ error: { code: 3, message: 'Connection lost' } });

    // While HA stays stopped: attempts time out and are retried, the state stays down.
    await vi.advanceTimersByTimeAsync(CONNECT_TIMEOUT * 3);
    expect(c.state).toBe('connecting');
    expect(ha.sockets.length).toBeGreaterThanOrEqual(3);
    expect(running).toBe(1);

    // SIGCONT: the next attempt gets through.
    ha.connect = 'up';
    ha.setEntity('event.kitchen_button', '2026-01-01T08:05:00.000+00:00', 1300); // pressed while we were away
    await vi.advanceTimersByTimeAsync(CONNECT_TIMEOUT + 1000);
    expect(c.state).toBe('connected');
    expect(running).toBe(2);
    const second = ha.current!;
    expect(second).not.toBe(first);
    expect(second.authed).toBe(true);
    expect(second.sent('subscribe_entities')).toEqual([expect.objectContaining({ entity_ids: ['event.kitchen_button'] })]);
    expect(second.sent('subscribe_events').map((m) => m.event_type)).toEqual(['mobile_app_notification_action']);

    // The snapshot after the resubscription reports the press made during the gap as a change.
    const last = changes.at(-1)!;
    expect(last).toMatchObject({ entityId: 'event.kitchen_button', snapshot: true });
    expect(last.old?.state).toBe('2026-01-01T08:00:00.000+00:00');
    expect(last.new?.state).toBe('2026-01-01T08:05:00.000+00:00');

    // And the resubscribed channels deliver.
    ha.fire('mobile_app_notification_action', { action: 'HEARTH_DONE:morning-meds' });
    ha.setEntity('event.kitchen_button', '2026-01-01T08:06:00.000+00:00', 1360);
    await flush();
    expect(events).toEqual([expect.objectContaining({ data: { action: 'HEARTH_DONE:morning-meds' } })]);
    expect(changes.at(-1)!.new?.state).toBe('2026-01-01T08:06:00.000+00:00');

    // The heartbeat goes on with the new socket.
    await vi.advanceTimersByTimeAsync(HEARTBEAT * 2);
    expect(second.sent('ping').length).toBeGreaterThanOrEqual(2);
    expect(c.stats.heartbeatTimeouts).toBe(1);
  });

  it('a late pong within the timeout keeps the connection', async () => {
    const c = make();
    c.start();
    await flush();
    ha.pong = false;
    await vi.advanceTimersByTimeAsync(HEARTBEAT + 1);
    const ping = ha.current!.sent('ping')[0]!;
    await vi.advanceTimersByTimeAsync(PONG_TIMEOUT - 100);
    ha.current!.deliver({ id: ping.id as number, type: 'pong' });
    ha.pong = true;
    await vi.advanceTimersByTimeAsync(PONG_TIMEOUT);
    expect(c.stats.heartbeatTimeouts).toBe(0);
    expect(ha.sockets).toHaveLength(1);
    expect(c.state).toBe('connected');
  });

  it('stop() leaves no timer running (heartbeat, polls, retries)', async () => {
    const c = make();
    c.start();
    await flush();
    await c.stop();
    await flush();
    expect(vi.getTimerCount()).toBe(0);
    expect(c.state).toBe('stopped');
  });
});

describe('HA client: RUNNING gate', () => {
  it('sends nothing until HA reports RUNNING, then the queued action goes out once', async () => {
    ha.state = 'NOT_RUNNING';
    const c = make();
    let running = 0;
    c.onRunning(() => running++);
    c.start();
    await flush();
    expect(c.state).toBe('starting');
    const call = c.callService('light', 'turn_on', { effect: 'Pulse' }, { entity_id: 'light.kitchen_led' });
    let settled = false;
    void call.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(5000);
    expect(ha.serviceCalls).toHaveLength(0);
    expect(settled).toBe(false);
    expect(running).toBe(0);

    ha.state = 'RUNNING';
    await vi.advanceTimersByTimeAsync(1000);
    expect(c.state).toBe('connected');
    await call;
    expect(ha.serviceCalls).toEqual([
      expect.objectContaining({ domain: 'light', service: 'turn_on', target: { entity_id: 'light.kitchen_led' } }),
    ]);
    expect(running).toBe(1);
  });

  it('reacts to homeassistant_started without waiting for the next poll', async () => {
    ha.state = 'STARTING';
    const c = make({ startingPollMs: 60_000 });
    c.start();
    await flush();
    expect(c.state).toBe('starting');
    ha.state = 'RUNNING';
    ha.fire('homeassistant_started');
    await flush();
    expect(c.state).toBe('connected');
  });

  it('after a reconnect to an HA that is still starting, the gate closes again', async () => {
    const c = make();
    let running = 0;
    c.onRunning(() => running++);
    c.start();
    await flush();
    expect(c.state).toBe('connected');

    ha.state = 'NOT_RUNNING';
    ha.current!.drop(); // HA restarts: a clean close
    await flush();
    await vi.advanceTimersByTimeAsync(100);
    expect(ha.sockets).toHaveLength(2);
    expect(c.state).toBe('starting');
    void c.callService('light', 'turn_off', undefined, { entity_id: 'light.kitchen_led' });
    await vi.advanceTimersByTimeAsync(3000);
    expect(ha.serviceCalls).toHaveLength(0);

    ha.state = 'RUNNING';
    await vi.advanceTimersByTimeAsync(1000);
    expect(c.state).toBe('connected');
    await flush();
    expect(ha.serviceCalls).toHaveLength(1);
    expect(running).toBe(2);
  });
});

describe('HA client: service calls', () => {
  it('a call while RUNNING is on the socket before callService returns (no await in between)', async () => {
    const c = make();
    c.start();
    await flush();
    expect(c.state).toBe('connected');
    const done = c.callService('light', 'turn_off', undefined, { entity_id: 'light.kitchen_led' });
    expect(ha.current!.sent('call_service')).toEqual([
      expect.objectContaining({ service: 'turn_off', target: { entity_id: 'light.kitchen_led' } }),
    ]);
    await flush();
    await expect(done).resolves.toEqual({ context: { id: 'ctx' } });
  });

  it('a call while disconnected waits for RUNNING and is sent once', async () => {
    ha.connect = 'refuse';
    const c = make();
    c.start();
    const done = c.callService('light', 'turn_on', { effect: 'Pulse' });
    await vi.advanceTimersByTimeAsync(3000);
    expect(ha.serviceCalls).toHaveLength(0);
    ha.connect = 'up';
    await vi.advanceTimersByTimeAsync(2000);
    await done;
    expect(ha.serviceCalls).toHaveLength(1);
  });
});

describe('HA client: token', () => {
  it('a rejected token is fatal once, and nothing retries', async () => {
    ha.token = 'another-token';
    const c = make();
    c.start();
    await flush();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]!.message).toMatch(/rejected the access token from file \(test\)/);
    expect(c.state).toBe('auth_failed');
    expect(ha.sockets).toHaveLength(1);
  });

  it('a token revoked while connected is fatal at the reconnect', async () => {
    const c = make();
    c.start();
    await flush();
    ha.token = 'rotated';
    ha.current!.drop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(fatal).toHaveLength(1);
    expect(c.state).toBe('auth_failed');
    const attempts = ha.sockets.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ha.sockets).toHaveLength(attempts);
  });
});
