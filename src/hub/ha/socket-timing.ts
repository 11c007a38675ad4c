/**
 * Timing of the TCP socket under the current websocket: when data last arrived, and when the
 * next frame is written (handed to the kernel, after any corking).
 */
import type { Socket } from 'node:net';

export interface SocketTiming {
  /** Hooks a new socket (each connection); earlier write waiters are dropped. */
  onSocket(socket: Socket): void;
  /** `performance.now()` when the last data reached the socket. */
  lastDataAt(): number | undefined;
  /** Calls `cb` with `performance.now()` once the next frame is written; never, when the connection drops first. */
  onNextWrite(cb: (at: number) => void): () => void;
}

export function createSocketTiming(): SocketTiming {
  let dataAt: number | undefined;
  let writeWaiters: Array<(at: number) => void> = [];
  const written = (socket: Socket): void => {
    if (writeWaiters.length === 0 || socket.writableCorked > 0) return;
    const at = performance.now();
    const waiters = writeWaiters;
    writeWaiters = [];
    for (const w of waiters) w(at);
  };
  return {
    onSocket(socket) {
      writeWaiters = [];
      socket.prependListener('data', () => {
        dataAt = performance.now();
      });
      // `ws` writes a frame as cork, write(header), write(payload), uncork: it is on its way
      // once nothing is corked any more.
      const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
      const uncork = socket.uncork.bind(socket);
      socket.write = ((...args: unknown[]) => {
        const ok = write(...args);
        written(socket);
        return ok;
      }) as Socket['write'];
      socket.uncork = () => {
        uncork();
        written(socket);
      };
    },
    lastDataAt: () => dataAt,
    onNextWrite(cb) {
      // Bounded: a waiter outlives no more than a handful of commands.
      if (writeWaiters.length >= 100) return () => {};
      writeWaiters.push(cb);
      return () => {
        writeWaiters = writeWaiters.filter((w) => w !== cb);
      };
    },
  };
}
