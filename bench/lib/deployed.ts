/**
 * The node flags the hub's service runs with: NODE_OPTIONS of nix/module.nix's `hearth` unit
 * (keep the two equal). The benches run the compiled hub with them. Not the package's wrapper:
 * the other commands are short and allocation-heavy, and `hearth esphome generate` with these
 * flags took 1.26 s instead of 0.79 s for 200 specs (bench/codegen.ts).
 *
 * - `--max-semi-space-size=1`: V8's young generation in semi-spaces of 1 MB (Node 20: 16 MB):
 *   the hub's garbage is small and short-lived; ~3 MB less RSS at rest, ~19 MB less at the
 *   start-up peak (bench/hub-load.ts).
 * - `--v8-pool-size=1`: one V8 worker thread (background compile and GC) instead of one per
 *   core: fewer thread stacks and malloc arenas, ~1.5 MB less RSS.
 * Their cost: no change in press latency; under 200 RSSI readings/s 0.2–0.7 % of a core more
 * (bench/hub-latency.ts: `compiled` against `deployed`, `rssi-defaults` against `rssi`).
 */
export const DEPLOYED_NODE_FLAGS = ['--max-semi-space-size=1', '--v8-pool-size=1'];
