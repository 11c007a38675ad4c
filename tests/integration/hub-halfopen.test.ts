/**
 * A real half-open HA connection (its own stack): the HA process is SIGSTOPped, so the
 * kernel keeps the TCP connection (and accepts new ones into the listen backlog) while HA
 * answers nothing. hearth's heartbeat must notice within interval + timeout and /healthz
 * say so; after SIGCONT hearth reconnects, resubscribes (a press is handled) and re-applies
 * the LED state it could not send while HA was stopped; phone actions (an event subscription)
 * are handled again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceLog, dumpLogsOnFailure, haRest, lightState, press, startStack, type Stack } from '../helpers/index.js';
import { haPid, startHub, waitFor, type RunningHub } from './hub-harness.js';

const BUTTON = 'kitchen-meds-button';
const ROUTINE = 'morning-meds';
const HEARTBEAT_S = 1;
const TIMEOUT_S = 1;

let stack: Stack;
let hearth: RunningHub;
let stoppedPid: number | undefined;
dumpLogsOnFailure(() => stack);

const ledOn = async () => (await lightState(stack, BUTTON)).state;
const phase = () => hearth.hub.reminders!.list().find((r) => r.id === ROUTINE)!.phase;
const healthz = async () => {
  const r = await fetch(`${hearth.base}/healthz`);
  return { status: r.status, body: (await r.json()) as { ha: string } };
};

beforeAll(async () => {
  stack = await startStack({ log: () => {} });
  hearth = await startHub(stack, { heartbeatInterval: HEARTBEAT_S, heartbeatTimeout: TIMEOUT_S });
});
afterAll(async () => {
  if (stoppedPid) process.kill(stoppedPid, 'SIGCONT');
  await hearth?.stop();
  await stack?.stop();
});

describe('hub: half-open Home Assistant connection', () => {
  it('is noticed by the heartbeat; after SIGCONT hearth reconnects, resubscribes and re-applies the LED', async () => {
    expect((await hearth.api('POST', `/api/routines/${ROUTINE}/due`)).status).toBe(200);
    await waitFor(ledOn, 10_000, 'LED on');
    expect((await healthz()).status).toBe(200);
    const connectsBefore = hearth.hub.ha!.stats.connects;

    const pid = haPid(stack);
    process.kill(pid, 'SIGSTOP');
    stoppedPid = pid;
    const t0 = performance.now();
    await waitFor(async () => (await healthz()).status === 503, (HEARTBEAT_S + TIMEOUT_S) * 1000 + 1500, '/healthz to report HA down');
    const detectedMs = performance.now() - t0;
    console.log(`half-open HA noticed after ${detectedMs.toFixed(0)} ms (heartbeat ${HEARTBEAT_S} s + timeout ${TIMEOUT_S} s)`);
    expect(detectedMs).toBeLessThanOrEqual((HEARTBEAT_S + TIMEOUT_S) * 1000 + 500);
    expect((await healthz()).body.ha).toBe('connecting');
    expect(hearth.hub.ha!.stats.heartbeatTimeouts).toBe(1);

    // While HA is stopped the routine is done from the API: the LED cannot be told yet.
    const done = await hearth.api<{ phase: string; led: boolean }>('POST', `/api/routines/${ROUTINE}/done`);
    expect(done.body).toMatchObject({ phase: 'done', led: false });
    expect(hearth.hub.store!.history({ routine: ROUTINE, kind: 'done', limit: 1 })[0]?.source).toBe('api');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await ledOn()).toBe(true);
    expect(hearth.hub.health().ha).toBe('connecting');

    const beforeResume = Date.now();
    process.kill(pid, 'SIGCONT');
    stoppedPid = undefined;
    const t1 = performance.now();
    await waitFor(() => hearth.hub.health().ha === 'connected', 30_000, 'HA connected again');
    console.log(`reconnected ${(performance.now() - t1).toFixed(0)} ms after SIGCONT`);
    expect(hearth.hub.ha!.stats.connects).toBeGreaterThan(connectsBefore);
    expect((await healthz()).status).toBe(200);

    // The LED state hearth could not send is re-applied on RUNNING.
    await waitFor(async () => !(await ledOn()), 15_000, 'LED off after the reconnect');
    const commands = (await deviceLog(stack, BUTTON)).light_commands.filter((c) => c.wall_ms >= beforeResume);
    expect(commands.some((c) => c.command.state === false)).toBe(true);

    // Resubscribed: a press after the reconnect is handled.
    expect((await hearth.api('POST', `/api/routines/${ROUTINE}/due`)).status).toBe(200);
    await waitFor(ledOn, 10_000, 'LED on again');
    await press(stack, BUTTON, 'single');
    await waitFor(async () => !(await ledOn()), 10_000, 'LED off after the press');
    expect(phase()).toBe('done');
    expect(hearth.hub.store!.history({ routine: ROUTINE, kind: 'done', limit: 10 }).map((r) => r.source)).toContain('button');

    // The event subscription came back too: a phone's notification action is handled.
    expect((await hearth.api('POST', `/api/routines/${ROUTINE}/due`)).status).toBe(200);
    await waitFor(ledOn, 10_000, 'LED on for the notification action');
    await haRest(stack, 'POST', '/api/events/mobile_app_notification_action', { action: `HEARTH_SNOOZE:${ROUTINE}` });
    await waitFor(() => phase() === 'snoozed', 10_000, 'snoozed by the notification action');

    const metrics = await (await fetch(`${hearth.base}/metrics`, { headers: { authorization: `Bearer ${hearth.token}` } })).text();
    expect(metrics).toMatch(/^hearth_ha_heartbeat_timeouts_total 1$/m);
  });
});
