/**
 * Every TCP/UDP socket a process (and its descendants) holds, read from Linux's procfs:
 * `/proc/<pid>/fd/*` links `socket:[inode]` name the sockets the process owns, and
 * `/proc/<pid>/net/{tcp,tcp6,udp,udp6}` (the tables of that process's network namespace,
 * proc(5)) give each inode's local and remote address and state. Used by the loopback test:
 * everything the stack runs must bind and talk only on 127.0.0.0/8 and ::1.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface SocketEntry {
  pid: number;
  /** The process's command name (`/proc/<pid>/comm`). */
  comm: string;
  proto: 'tcp' | 'tcp6' | 'udp' | 'udp6';
  local: { address: string; port: number };
  remote: { address: string; port: number };
  /** TCP state name (LISTEN, ESTABLISHED, ...); UDP: UNCONN, or ESTABLISHED when connected. */
  state: string;
  inode: number;
}

/** TCP states as /proc/net/tcp numbers them (include/net/tcp_states.h). */
const TCP_STATES = [
  '',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'NEW_SYN_RECV',
];

/**
 * `0100007F:1F90` → 127.0.0.1:8080. The kernel prints each 32-bit word of the address in host
 * byte order (little-endian here), IPv6 as four such words; the port is big-endian hex.
 */
export function parseProcAddress(field: string): { address: string; port: number } {
  const [hex, portHex] = field.split(':');
  if (!hex || !portHex) throw new Error(`not a /proc/net address: ${field}`);
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    const word = hex.slice(w, w + 8);
    for (let b = 6; b >= 0; b -= 2) bytes.push(parseInt(word.slice(b, b + 2), 16));
  }
  const port = parseInt(portHex, 16);
  if (bytes.length === 4) return { address: bytes.join('.'), port };
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // IPv4-mapped (::ffff:a.b.c.d) shown as such; otherwise the full form, zero runs compressed.
  if (groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff') return { address: `::ffff:${bytes.slice(12).join('.')}`, port };
  return { address: compressIpv6(groups), port };
}

function compressIpv6(groups: string[]): string {
  let best = { at: -1, len: 0 };
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j;
  }
  if (best.len < 2) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.len).join(':')}`;
}

/** Whether an address is loopback: 127.0.0.0/8, ::1 or IPv4-mapped 127.0.0.0/8. */
export function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address);
}

/** Whether an address is a wildcard (unspecified): the socket is bound on every interface. */
export function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '::ffff:0.0.0.0';
}

/** Rows of one /proc/net/{tcp,udp}[6] table. */
export function parseProcNetTable(text: string, proto: SocketEntry['proto']): Omit<SocketEntry, 'pid' | 'comm'>[] {
  const rows: Omit<SocketEntry, 'pid' | 'comm'>[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const stateNum = parseInt(f[3]!, 16);
    const tcp = proto.startsWith('tcp');
    rows.push({
      proto,
      local: parseProcAddress(f[1]!),
      remote: parseProcAddress(f[2]!),
      state: tcp ? (TCP_STATES[stateNum] ?? String(stateNum)) : stateNum === 1 ? 'ESTABLISHED' : 'UNCONN',
      inode: Number(f[9]),
    });
  }
  return rows;
}

/** `pid` and all its descendants (from each process's parent pid in /proc/<pid>/stat). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Field 4 (ppid) comes after the command, which is in parentheses and may hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      (children.get(ppid) ?? children.set(ppid, []).get(ppid)!).push(Number(name));
    } catch {
      /* exited meanwhile */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

/** The sockets `pid` holds open (TCP and UDP, IPv4 and IPv6). */
export function socketsOf(pid: number): SocketEntry[] {
  const inodes = new Set<number>();
  let comm: string;
  try {
    comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(Number(m[1]));
      } catch {
        /* closed meanwhile */
      }
    }
  } catch {
    return []; // exited
  }
  const out: SocketEntry[] = [];
  for (const proto of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${proto}`, 'utf8');
    } catch {
      continue; // no IPv6 in this kernel/namespace
    }
    for (const row of parseProcNetTable(text, proto)) if (inodes.has(row.inode)) out.push({ pid, comm, ...row });
  }
  return out;
}

/** What is wrong with a socket for a loopback-only stack, or undefined when nothing is. */
export function loopbackViolation(s: SocketEntry): string | undefined {
  const where = `${s.comm} (pid ${s.pid}) ${s.proto} ${s.state} ${s.local.address}:${s.local.port}`;
  if (!isLoopback(s.local.address))
    return `${where}: bound to ${isWildcard(s.local.address) ? 'every interface' : 'a non-loopback address'}`;
  const connected = s.remote.port !== 0 || !isWildcard(s.remote.address);
  if (connected && !isLoopback(s.remote.address)) return `${where}: talks to ${s.remote.address}:${s.remote.port}`;
  return undefined;
}
