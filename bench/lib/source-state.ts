/** Which hearth source a bench measured: HEAD and whether src/ has uncommitted changes (others edit it concurrently). */
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from '../../tests/stack/paths.js';

export function sourceState(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean);
    return `HEAD ${head}${dirty.length ? `, ${dirty.length} uncommitted change(s) in src/ (measured as in the working tree)` : ', src/ clean'}`;
  } catch {
    return 'unknown (no git)';
  }
}
