/**
 * Writing a secrets.yaml that `hearth esphome secrets --out FILE` generated: it holds the API
 * encryption keys, OTA passwords and BLE tracker keys, so it is created private (0600) whatever
 * the umask, through a temp file in the same folder renamed into place (never half-written), and
 * never over an existing file: the keys in it are flashed into devices, and replacing them would
 * lock hearth out of their API and OTA until each is reflashed by cable.
 */
import { constants, promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export class SecretsFileError extends Error {}

/**
 * Writes `text` to `file` as a new 0600 file; rejects with SecretsFileError naming the file when
 * it exists or its folder is missing or not writable (the CLI's exit 2).
 */
export async function writeNewSecretsFile(file: string, text: string): Promise<void> {
  try {
    await fs.lstat(file);
    throw new SecretsFileError(`${file}: exists already; not overwritten (its keys are on the devices): choose another --out or remove it`);
  } catch (e) {
    if (e instanceof SecretsFileError || (e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}`);
  let handle: fs.FileHandle;
  try {
    // O_EXCL: never follow or reuse a file someone placed at the temp name.
    handle = await fs.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (e) {
    // The folder is the argument's fault: say which, not a stack trace.
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new SecretsFileError(`${file}: folder ${dirname(file)} does not exist; create it (mkdir -m 700) or choose another --out`);
    if (code === 'EACCES') throw new SecretsFileError(`${file}: cannot create files in ${dirname(file)} (permission denied)`);
    throw e;
  }
  try {
    await handle.chmod(0o600); // the mode given to open is masked by the umask
    await handle.writeFile(text);
    await handle.sync();
  } catch (e) {
    // A disk-full write leaves no half-written keys behind.
    await handle.close();
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    // link + unlink instead of rename: link fails if `file` appeared meanwhile (no overwrite).
    await fs.link(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new SecretsFileError(`${file}: exists already; not overwritten`);
    throw e;
  } finally {
    await fs.rm(tmp, { force: true });
  }
}
