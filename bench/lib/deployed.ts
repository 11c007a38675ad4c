/**
 * The node flags the hub's service runs with: NODE_OPTIONS of nix/package.nix's wrapper and of
 * nix/module.nix's unit (keep the three equal). The benches run the compiled hub with them.
 *
 * - `--max-semi-space-size=1`: V8's young generation in semi-spaces of 1 MB (Node 20: 16 MB):
 *   the hub's garbage is small and short-lived; ~3 MB less RSS at rest, ~19 MB less at the
 *   start-up peak (bench/hub-load.ts).
 * - `--v8-pool-size=1`: one V8 worker thread (background compile and GC) instead of one per
 *   core: fewer thread stacks and malloc arenas, ~1.5 MB less RSS.
 * Their cost in press latency and in CPU under RSSI readings: bench/hub-latency.ts
 * (`compiled` against `deployed`, `rssi-defaults` against `rssi`).
 */
export const DEPLOYED_NODE_FLAGS = ['--max-semi-space-size=1', '--v8-pool-size=1'];
