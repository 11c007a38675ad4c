/**
 * A list that tests can wait on: everything pushed is kept, and `waitFor` resolves with the
 * first item, already there or still to come, that matches (MQTT messages, log lines, phone
 * notifications). `failAll` rejects every pending wait (e.g. the process behind it exited).
 */
export interface Recorder<T> {
  readonly items: T[];
  push(item: T): void;
  waitFor(predicate: (item: T) => boolean, timeoutMs: number, timeoutMessage: () => string): Promise<T>;
  failAll(error: () => Error): void;
}

interface Waiter<T> {
  predicate: (item: T) => boolean;
  resolve: (item: T) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export function createRecorder<T>(): Recorder<T> {
  const items: T[] = [];
  const waiters = new Set<Waiter<T>>();
  const settle = (waiter: Waiter<T>) => {
    waiters.delete(waiter);
    clearTimeout(waiter.timer);
  };
  return {
    items,
    push(item) {
      items.push(item);
      for (const waiter of [...waiters]) {
        if (!waiter.predicate(item)) continue;
        settle(waiter);
        waiter.resolve(item);
      }
    },
    waitFor(predicate, timeoutMs, timeoutMessage) {
      const found = items.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise<T>((resolve, reject) => {
        const waiter: Waiter<T> = {
          predicate,
          resolve,
          reject,
          timer: setTimeout(() => {
            settle(waiter);
            reject(new Error(timeoutMessage()));
          }, timeoutMs),
        };
        waiters.add(waiter);
      });
    },
    failAll(error) {
      for (const waiter of [...waiters]) {
        settle(waiter);
        waiter.reject(error());
      }
    },
  };
}
