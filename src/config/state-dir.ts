/**
 * Where hearth keeps its state (the SQLite store, the dashboard's push record, kept stills):
 * hearth.yaml's `state_dir`, else systemd's `$STATE_DIRECTORY` (its first entry; the NixOS
 * module's `StateDirectory`), else `./state`. One rule for every command and unit.
 */
export function stateDirOf(stateDir: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return (stateDir ?? env.STATE_DIRECTORY?.split(':')[0] ?? 'state').replace(/\/+$/, '') || '/';
}
