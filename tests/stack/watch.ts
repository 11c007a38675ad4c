/**
 * Watches the processes of a running sandbox (HA, Mosquitto, the emulator, hearth): each exit
 * is reported at once with the part's name, exit code or signal and the last lines of its
 * log. Parts are looked up again every second, so a part restarted in a new process is
 * watched too. Used by `npm run sandbox` and the soak script.
 */
import { tailFile } from './process.js';

export interface WatchedPart {
  name: string;
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  logFile: string;
}

export interface PartExit {
  part: string;
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  logFile: string;
  /** The log's last lines. */
  tail: string;
}

/** Home Assistant's exit code for "restart me" (homeassistant/const.py RESTART_EXIT_CODE): the UI's or a service's restart. */
export const HA_RESTART_EXIT_CODE = 100;

/** One line for a part's exit plus its log tail, for a person reading the terminal. */
export function describeExit(e: PartExit): string {
  const how = e.signal ? `was killed by ${e.signal}` : `exited with code ${e.code}`;
  return `${e.part} (pid ${e.pid}) ${how}; last lines of ${e.logFile}:\n${e.tail.replace(/^/gm, '    ')}`;
}

/**
 * Calls `onExit` once for every process of `parts()` that exits while watching. `stop()`
 * ends the watch (exits after it are not reported: the caller is stopping the parts).
 */
export function watchParts(parts: () => WatchedPart[], onExit: (exit: PartExit) => void, tailLines = 20): { stop(): void } {
  const watched = new Set<number>();
  let stopped = false;
  const attach = () => {
    for (const part of parts()) {
      if (watched.has(part.pid)) continue;
      watched.add(part.pid);
      void part.exited.then(({ code, signal }) => {
        if (stopped) return;
        onExit({ part: part.name, pid: part.pid, code, signal, logFile: part.logFile, tail: tailFile(part.logFile, tailLines) });
      });
    }
  };
  attach();
  const timer = setInterval(attach, 1000);
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
