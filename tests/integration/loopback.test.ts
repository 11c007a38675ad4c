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
 * zeroconf joins the mDNS group on no other interface and opens no responder socket, so it
 * hears no mDNS from the network and sends nothing; both are asserted.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../stack/stack.js';
import { startHearthProcess, type HearthProcess } from '../stack/hearth-process.js';
import { isWildcard, loopbackViolation, processTree, socketsOf, type SocketEntry } from '../stack/sockets.js';

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

/** mDNS group memberships (224.0.0.251, ff02::fb) on interfaces other than lo, from the namespace's igmp tables. */
function mdnsMembershipsBeyondLoopback(pid: number): string[] {
  const found: string[] = [];
  let device = '';
  for (const line of readFileSync(`/proc/${pid}/net/igmp`, 'utf8').split('\n')) {
    const dev = /^\d+\s+(\S+)\s*:/.exec(line);
    if (dev) device = dev[1]!;
    // Groups are printed as a host-order (little-endian) 32-bit word: 224.0.0.251 → FB0000E0.
    else if (/^\s+FB0000E0\s/i.test(line) && device !== 'lo') found.push(`${device} 224.0.0.251`);
  }
  try {
    for (const line of readFileSync(`/proc/${pid}/net/igmp6`, 'utf8').split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f[2]?.toLowerCase() === 'ff0200000000000000000000000000fb' && f[1] !== 'lo') found.push(`${f[1]} ff02::fb`);
    }
  } catch {
    /* no IPv6 */
  }
  return found;
}

function assertLoopbackOnly(label: string): void {
  const byPart = socketsByPart();
  const haPid = stack.parts().find((p) => p.name === 'home-assistant')!.process!.pid;
  const violations: string[] = [];
  let zeroconfListen = 0;
  for (const [part, sockets] of Object.entries(byPart)) {
    // Each part serves something: a part with no socket at all would make this test vacuous.
    expect(sockets.length, `${label}: ${part} holds sockets`).toBeGreaterThan(0);
    for (const s of sockets) {
      const wrong = loopbackViolation(s);
      if (!wrong) continue;
      const isZeroconfListen = part === 'home-assistant' && s.proto.startsWith('udp') && s.local.port === 5353 && isWildcard(s.local.address) && s.state === 'UNCONN';
      if (isZeroconfListen) zeroconfListen++;
      else violations.push(`${part}: ${wrong}`);
    }
  }
  expect(violations, `${label}: sockets beyond loopback`).toEqual([]);
  expect(zeroconfListen, `${label}: at most one zeroconf listen socket`).toBeLessThanOrEqual(1);
  expect(mdnsMembershipsBeyondLoopback(haPid), `${label}: mDNS groups joined beyond loopback`).toEqual([]);
  // Each part listens where the stack says it does, and only there.
  const listening = (part: string) =>
    byPart[part]!.filter((s) => s.state === 'LISTEN').map((s) => `${s.local.address}:${s.local.port}`);
  expect(listening('home-assistant'), `${label}: HA's HTTP server`).toEqual([`127.0.0.1:${stack.hass.port}`]);
  expect(listening('mosquitto')).toEqual([`127.0.0.1:${stack.mqtt.port}`]);
  expect(listening('hearth')).toEqual([new URL(hearth.url).host]);
  expect(listening('esphome-emulator')).toContain(new URL(stack.emulator.controlUrl).host);
  // HA talks to the broker and the devices: connected sockets exist and were checked above.
  expect(byPart['home-assistant']!.some((s) => s.state === 'ESTABLISHED' && s.remote.port === stack.mqtt.port)).toBe(true);
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
  const network = await stack.conn.sendMessagePromise<{ configured_adapters: string[]; adapters: { name: string; enabled: boolean }[] }>({ type: 'network' });
  expect(network.configured_adapters).toEqual(['lo']);
  expect(network.adapters.filter((a) => a.enabled).map((a) => a.name)).toEqual(['lo']);
}

async function repairs(): Promise<string[]> {
  const { issues } = await stack.conn.sendMessagePromise<{ issues: { domain: string; issue_id: string; ignored: boolean }[] }>({ type: 'repairs/list_issues' });
  return issues.map((i) => `${i.domain}.${i.issue_id}${i.ignored ? ' (ignored)' : ''}`);
}

describe('the stack stays on loopback', () => {
  it('every socket of HA, Mosquitto, the emulator and hearth is on 127.0.0.1 / ::1', async () => {
    assertLoopbackOnly('at start');
    await checkHttpConfig('at start');
  });

  it('after an HA restart: the same stable http config, 127.0.0.1 only, and no Repairs of our making', async () => {
    const before = stack.parts().find((p) => p.name === 'home-assistant')!.process!.pid;
    await stack.restartHA();
    expect(stack.parts().find((p) => p.name === 'home-assistant')!.process!.pid).not.toBe(before);
    await checkHttpConfig('after restart');
    assertLoopbackOnly('after restart');
    // HA's install-type check runs once HA has started (EVENT_HOMEASSISTANT_STARTED); by now
    // (RUNNING, devices back, checks above) it has had its turn twice.
    expect(await repairs()).toEqual([]);
  });
});
