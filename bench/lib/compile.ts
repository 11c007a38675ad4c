/**
 * hearth compiled with tsc into a throwaway dir, as the Nix package runs it
 * (`node dist/src/cli.js`: no transpiler in the process). src/ plus bench/lib/hub-probe.ts;
 * the dir gets a copy of package.json (ESM, version) and a symlink to the repo's node_modules.
 * tsc's type errors do not stop the emit (others edit src/ concurrently): they are returned.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../tests/stack/paths.js';

export interface Compiled {
  dir: string;
  cli: string;
  probe: string;
  /** tsc's complaints, if any (the emit happened anyway). */
  errors: string;
  seconds: number;
  remove(): void;
}

export function compileHearth(): Compiled {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-build-'));
  const tsconfig = join(dir, 'tsconfig.bench.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(REPO_ROOT, 'tsconfig.json'),
      compilerOptions: {
        outDir: dir,
        rootDir: REPO_ROOT,
        typeRoots: [join(REPO_ROOT, 'node_modules', '@types')],
        sourceMap: false,
        noEmitOnError: false,
        incremental: false,
      },
      include: [join(REPO_ROOT, 'src', '**', '*.ts'), join(REPO_ROOT, 'bench', 'lib', 'hub-probe.ts')],
    }),
  );
  const t0 = performance.now();
  let errors = '';
  try {
    execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: 'pipe',
    });
  } catch (e) {
    errors = String((e as { stdout?: string }).stdout ?? e).trim();
  }
  const seconds = (performance.now() - t0) / 1000;
  const cli = join(dir, 'src', 'cli.js');
  if (!existsSync(cli)) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`tsc emitted no src/cli.js: ${errors}`);
  }
  copyFileSync(join(REPO_ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  return {
    dir,
    cli,
    probe: join(dir, 'bench', 'lib', 'hub-probe.js'),
    errors,
    seconds,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
