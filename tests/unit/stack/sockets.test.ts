/** The /proc/net parsing behind the loopback test (tests/stack/sockets.ts), on rows as Linux prints them. */
import { describe, expect, it } from 'vitest';
import { loopbackViolation, parseProcAddress, parseProcNetTable, type SocketEntry } from '../../../tests/stack/sockets.js';

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';

describe('procfs sockets', () => {
  it('decodes IPv4 and IPv6 addresses (host-order words, big-endian port)', () => {
    expect(parseProcAddress('0100007F:1F90')).toEqual({ address: '127.0.0.1', port: 8080 });
    expect(parseProcAddress('00000000:14E9')).toEqual({ address: '0.0.0.0', port: 5353 });
    expect(parseProcAddress('0202000C:0050')).toEqual({ address: '12.0.2.2', port: 80 });
    expect(parseProcAddress('00000000000000000000000001000000:0035')).toEqual({ address: '::1', port: 53 });
    expect(parseProcAddress('00000000000000000000000000000000:14E9')).toEqual({ address: '::', port: 5353 });
    expect(parseProcAddress('0000000000000000FFFF00000100007F:1F90')).toEqual({ address: '::ffff:127.0.0.1', port: 8080 });
    expect(parseProcAddress('000080FE00000000FF00FC00010000FE:0222').address).toBe('fe80::fc:ff:fe00:1');
  });

  it('reads states and inodes, and flags what is not loopback', () => {
    const tcp = parseProcNetTable(
      HEADER +
        '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0 100 0 0 10 0\n' +
        '   1: 0100007F:D431 0100007F:075B 01 00000000:00000000 00:00000000 00000000     0        0 2222 1 0 20 4 30 10 -1\n' +
        '   2: 0202000C:D432 08080808:01BB 01 00000000:00000000 00:00000000 00000000     0        0 3333 1 0 20 4 30 10 -1\n' +
        '   3: 00000000:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1 0 100 0 0 10 0\n',
      'tcp',
    );
    expect(tcp.map((r) => [r.state, r.inode])).toEqual([
      ['LISTEN', 1111],
      ['ESTABLISHED', 2222],
      ['ESTABLISHED', 3333],
      ['LISTEN', 4444],
    ]);
    const entry = (i: number): SocketEntry => ({ pid: 1, comm: 'x', ...tcp[i]! });
    expect(loopbackViolation(entry(0))).toBeUndefined();
    expect(loopbackViolation(entry(1))).toBeUndefined();
    expect(loopbackViolation(entry(2))).toMatch(/non-loopback address/);
    expect(loopbackViolation(entry(3))).toMatch(/every interface/);
    const udp = parseProcNetTable(
      HEADER + '  10: 0100007F:9C40 08080808:0035 01 00000000:00000000 00:00000000 00000000     0        0 5555 2 0 0\n',
      'udp',
    );
    expect(udp[0]!.state).toBe('ESTABLISHED');
    expect(loopbackViolation({ pid: 1, comm: 'x', ...udp[0]! })).toMatch(/talks to 8\.8\.8\.8:53/);
  });
});
