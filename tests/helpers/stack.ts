/** The stack the integration project's global setup started (tests/integration/global-setup.ts). */
import { inject } from 'vitest';
import type { StackInfo } from '../stack/stack.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared stack of this run (plain data). */
    hearthStack: StackInfo;
  }
}

/** The shared stack; throws if the global setup did not run (unit project). */
export function sharedStack(): StackInfo {
  const stack = inject('hearthStack');
  if (!stack) throw new Error('no shared stack: run the integration project (tests/integration/global-setup.ts)');
  return stack;
}
