/**
 * Nothing the stack runs binds or talks beyond loopback, and HA's http settings stay put.
 * Its own stack (HA is restarted here) plus hearth itself (`hearth run`, the real CLI):
 * - every TCP/UDP socket of every process of HA, Mosquitto, the emulator and hearth (from
 *   /proc/<pid>/fd + /proc/<pid>/net, tests/stack/sockets.ts) is bound to 127.0.0.0/8 or ::1,
 *   and every connected peer is loopback too;
 * - HA's http config is the stable one from `.storage/http` (nothing pending, so no revert
 *   and self-restart after 5 minutes), and after an HA restart HA still listens on 127.0.0.1
 *   only;
 * - HA raises no Repairs of the stack's own making (http YAML, install type).
 *
 * One socket is allowed by name, under conditions checked here: python-zeroconf (which HA's
 * esphome integration instantiates) always binds its mDNS listen socket to the wildcard, UDP
 * *:5353, whatever interfaces it is given (zeroconf/_utils/net.py, new_listen_socket), and HA
 * has no setting that avoids it. With HA's network adapters limited to `lo` (.storage/core.network)
 * zeroconf adds no interface: it opens no responder socket and joins no mDNS group (it does
 * both per interface, together), so it sends nothing and hears no multicast. A responder would
 * be bound to an interface's address (192.0.2.2:5353, fd00::2:5353 with HA's default adapters)
 * and fail this test. The kernel's group table (/proc/net/igmp) is not used: it is shared by
 * every process of the network namespace (another HA on the machine would show up there).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../stack/stack.js';
import { startHearthProcess, type HearthProcess } from '../stack/hearth-process.js';
import { isWildcard, loopbackViolation, processTree, socketsOf, type SocketEntry } from '../stack/sockets.js';
import { poll } from '../stack/net.js';

let stack: Stack;
let hearth: HearthProcess;

beforeAll(async () => {
  stack = await startStack({ log: (m) => console.error(`loopback stack: ${m}`) });
  hearth = await startHearthProcess(stack.info());
}, 300_000);

afterAll(async () => {
  await hearth?.stop();
  await stack?.stop();
});

/** Every socket of every part, by part name. */
function socketsByPart(): Record<string, SocketEntry[]> {
  const out: Record<string, SocketEntry[]> = {};
  for (const part of stack.parts()) {
    expect(part.process?.running, `${part.name} running`).toBe(true);
    out[part.name] = processTree(part.process!.pid).flatMap(socketsOf);
  }
  out.hearth = processTree(hearth.pid).flatMap(socketsOf);
  return out;
}

async function assertLoopbackOnly(label: string): Promise<void> {
  // HA (re)connects to the broker on its own schedule: wait for that connection, so the
  // sockets below include HA's connected ones (they are checked too).
  await poll(
    `${label}: HA connected to the broker`,
    () =>
      processTree(stack.parts().find((p) => p.name === 'home-assistant')!.process!.pid)
        .flatMap(socketsOf)
        .some((s) => s.state === 'ESTABLISHED' && s.remote.port === stack.mqtt.port),
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  const byPart = socketsByPart();
  const violations: string[] = [];
  let zeroconfListen = 0;
  for (const [part, sockets] of Object.entries(byPart)) {
    // Each part serves something: a part with no socket at all would make this test vacuous.
    expect(sockets.length, `${label}: ${part} holds sockets`).toBeGreaterThan(0);
    for (const s of sockets) {
      const wrong = loopbackViolation(s);
      if (!wrong) continue;
      const isZeroconfListen =
        part === 'home-assistant' &&
        s.proto.startsWith('udp') &&
        s.local.port === 5353 &&
        isWildcard(s.local.address) &&
        s.state === 'UNCONN';
      if (isZeroconfListen) zeroconfListen++;
      else violations.push(`${part}: ${wrong}`);
    }
  }
  expect(violations, `${label}: sockets beyond loopback`).toEqual([]);
  expect(zeroconfListen, `${label}: at most one zeroconf listen socket`).toBeLessThanOrEqual(1);
  // Each part listens where the stack says it does, and only there.
  const listening = (part: string) => byPart[part]!.filter((s) => s.state === 'LISTEN').map((s) => `${s.local.address}:${s.local.port}`);
  expect(listening('home-assistant'), `${label}: HA's HTTP server`).toEqual([`127.0.0.1:${stack.hass.port}`]);
  expect(listening('mosquitto')).toEqual([`127.0.0.1:${stack.mqtt.port}`]);
  expect(listening('hearth')).toEqual([new URL(hearth.url).host]);
  expect(listening('esphome-emulator')).toContain(new URL(stack.emulator.controlUrl).host);
  // HA talks to the devices too: connected sockets to every emulated device's port, checked above.
  for (const device of stack.emulator.devices) {
    expect(
      byPart['home-assistant']!.some((s) => s.state === 'ESTABLISHED' && s.remote.port === device.port),
      `${label}: HA connected to ${device.name}`,
    ).toBe(true);
  }
}

interface HttpConfig {
  stable: { server_host?: string[]; server_port: number };
  pending: unknown;
  revert_at: unknown;
  active_config_type: string;
}

async function checkHttpConfig(label: string): Promise<void> {
  const http = await stack.conn.sendMessagePromise<HttpConfig>({ type: 'http/config' });
  expect(http.active_config_type, label).toBe('stable');
  expect(http.pending, label).toBeNull();
  expect(http.revert_at, label).toBeNull();
  expect(http.stable.server_host, label).toEqual(['127.0.0.1']);
  expect(http.stable.server_port, label).toBe(stack.hass.port);
  const network = await stack.conn.sendMessagePromise<{ configured_adapters: string[]; adapters: { name: string; enabled: boolean }[] }>({
    type: 'network',
  });
  expect(network.configured_adapters).toEqual(['lo']);
  expect(network.adapters.filter((a) => a.enabled).map((a) => a.name)).toEqual(['lo']);
}

async function repairs(): Promise<string[]> {
  const { issues } = await stack.conn.sendMessagePromise<{ issues: { domain: string; issue_id: string; ignored: boolean }[] }>({
    type: 'repairs/list_issues',
  });
  return issues.map((i) => `${i.domain}.${i.issue_id}${i.ignored ? ' (ignored)' : ''}`);
}

describe('the stack stays on loopback', () => {
  it('every socket of HA, Mosquitto, the emulator and hearth is on 127.0.0.1 / ::1', async () => {
    await assertLoopbackOnly('at start');
    await checkHttpConfig('at start');
  });

  it('after an HA restart: the same stable http config, 127.0.0.1 only, and no Repairs of our making', async () => {
    const before = stack.parts().find((p) => p.name === 'home-assistant')!.process!.pid;
    await stack.restartHA();
    expect(stack.parts().find((p) => p.name === 'home-assistant')!.process!.pid).not.toBe(before);
    await checkHttpConfig('after restart');
    await assertLoopbackOnly('after restart');
    // HA's install-type check runs once HA has started (EVENT_HOMEASSISTANT_STARTED); by now
    // (RUNNING, devices back, checks above) it has had its turn twice.
    expect(await repairs()).toEqual([]);
  });
});
