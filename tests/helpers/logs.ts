/** Printing the stack's logs when a test fails. */
import { afterEach } from 'vitest';
import { tailFile } from '../stack/process.js';
import type { StackInfo } from '../stack/stack.js';

/** The tail of every log of the stack (HA, emulator, mosquitto). */
export function logTails(stack: Pick<StackInfo, 'logs'>, lines = 60): string {
  return Object.entries(stack.logs)
    .map(([name, file]) => {
      const text = tailFile(file, lines);
      return text.trim() ? `----- ${name}: ${file} (last ${lines} lines) -----\n${text}` : '';
    })
    .filter(Boolean)
    .join('\n');
}

/** Registers an afterEach hook that prints the stack's log tails when the test failed. */
export function dumpLogsOnFailure(getStack: () => Pick<StackInfo, 'logs'> | undefined, lines = 60): void {
  afterEach((ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    const stack = getStack();
    if (stack) process.stderr.write(`\n${ctx.task.name} failed; stack logs:\n${logTails(stack, lines)}\n`);
  });
}
