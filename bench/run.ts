/**
 * `npm run bench`: runs the benchmarks and prints their figures (benchmarks are not timed
 * tests; they never fail on a slow figure, only when they cannot measure).
 * Minimal version; each benchmark file exports `main()` and is also runnable on its own.
 */
import { main as codegen } from './codegen.js';

const benches: [string, () => Promise<number> | number][] = [['codegen', () => codegen([])]];

let failed = 0;
for (const [name, run] of benches) {
  console.log(`\n== bench/${name}.ts`);
  try {
    if ((await run()) !== 0) failed++;
  } catch (error) {
    failed++;
    console.error(`bench/${name}.ts failed: ${(error as Error).stack ?? String(error)}`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
