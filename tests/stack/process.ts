/**
 * Child processes of the stack: each runs in its own process group (spawned `detached`), its
 * output goes to a log file, and it is killed by group (`kill -pgid`) so that nothing it forked
 * (HA inside `unshare`/`chroot`, the emulator) survives. Only pids this module spawned are
 * ever signalled. A process-exit hook SIGKILLs whatever is still running, so an aborted run
 * (test failure, Ctrl-C, uncaught error) leaves nothing behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const SETPRIV = '/usr/bin/setpriv';
const live = new Set<number>();
const dirsToRemove = new Set<string>();
let hooksInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/** Last-resort cleanup, synchronous: used on process exit and on SIGINT/SIGTERM/SIGHUP. */
function emergencyCleanup(): void {
  for (const pid of live) killGroup(pid, 'SIGKILL');
  live.clear();
  for (const dir of dirsToRemove) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
  dirsToRemove.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', emergencyCleanup);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      // Someone else (the sandbox, vitest) handles the signal and stops gracefully; the exit
      // hook still kills what is left. Otherwise keep the signal's default meaning: exit.
      if (process.listenerCount(sig) > 1) return;
      emergencyCleanup();
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

/** Removes `dir` when the process exits, unless it was removed (or kept) before. */
export function removeOnExit(dir: string): void {
  installHooks();
  dirsToRemove.add(dir);
}
export function forgetRemoveOnExit(dir: string): void {
  dirsToRemove.delete(dir);
}

export interface SpawnOptions {
  name: string;
  cmd: string;
  args: string[];
  /** stdout and stderr are appended here (unless `onStdoutLine` is given, then only stderr + a copy of stdout). */
  logFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called for every stdout line (the line is also appended to the log file). */
  onStdoutLine?: (line: string) => void;
}

export class ManagedProcess {
  readonly name: string;
  readonly logFile: string;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  exitInfo: ExitInfo | undefined;

  constructor(options: SpawnOptions) {
    installHooks();
    this.name = options.name;
    this.logFile = options.logFile;
    const fd = openSync(options.logFile, 'a');
    // If this Node process dies without running its exit hook (SIGKILL, OOM), the kernel kills
    // the child too: `setpriv --pdeathsig` (util-linux) sets PR_SET_PDEATHSIG, then execs.
    const [cmd, args] = existsSync(SETPRIV)
      ? [SETPRIV, ['--pdeathsig', 'KILL', '--', options.cmd, ...options.args]]
      : [options.cmd, options.args];
    const child = spawn(cmd, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', options.onStdoutLine ? 'pipe' : fd, fd],
    });
    closeSync(fd);
    if (child.pid === undefined) {
      throw new Error(`${options.name}: could not start ${options.cmd}`);
    }
    this.child = child;
    this.pid = child.pid;
    live.add(this.pid);
    if (options.onStdoutLine && child.stdout) {
      const out = openSync(options.logFile, 'a');
      let buffer = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        buffer += chunk;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          try {
            writeSync(out, line + '\n');
          } catch {
            /* log file gone */
          }
          options.onStdoutLine!(line);
        }
      });
      child.stdout.on('close', () => {
        try {
          closeSync(out);
        } catch {
          /* already closed */
        }
      });
    }
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        // The leader is gone; make sure no straggler of its group lives on.
        killGroup(this.pid, 'SIGKILL');
        live.delete(this.pid);
        resolve(this.exitInfo);
      });
      child.on('error', () => {
        this.exitInfo ??= { code: -1, signal: null };
        live.delete(this.pid);
        resolve(this.exitInfo);
      });
    });
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** SIGTERM the process group, wait up to `timeoutMs`, then SIGKILL it. */
  async stop(timeoutMs = 15_000): Promise<ExitInfo> {
    if (this.exitInfo) return this.exitInfo;
    killGroup(this.pid, 'SIGTERM');
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref());
    if ((await Promise.race([this.exited, timer])) === 'timeout') {
      killGroup(this.pid, 'SIGKILL');
    }
    return this.exited;
  }

  /** Rejects if the process exits before `promise` settles (a crashed server fails fast). */
  async guard<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([
      promise,
      this.exited.then((info) => {
        throw new Error(
          `${this.name} exited (code ${info.code}, signal ${info.signal}) while starting; log ${this.logFile}:\n${tailFile(this.logFile, 40)}`,
        );
      }),
    ]);
  }
}

/** The last `lines` lines of a file ('' if it does not exist). */
export function tailFile(file: string, lines = 60): string {
  if (!existsSync(file)) return '';
  const size = statSync(file).size;
  const text = readFileSync(file, 'utf8').slice(size > 400_000 ? -400_000 : 0);
  return text
    .split('\n')
    .slice(-lines - 1)
    .join('\n');
}
