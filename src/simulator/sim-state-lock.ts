/**
 * One writer per simulator state file. The bot and a CLI run share `DATA_DIR`; if both
 * saved the same file, each would overwrite the other's jobs. The first to start owns
 * `<stateFile>.lock` (its pid inside); a second one reads the board but does not save.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export type StateLock = { owned: true; release(): Promise<void> } | { owned: false; ownerPid: number };

/** Lock files this process holds: a lock naming our own pid but not listed here is a leftover (pid reuse in containers). */
const heldHere = new Set<string>();

/** Claim the lock beside `stateFile`; a lock left by a dead process is taken over. */
export async function claimStateLock(stateFile: string): Promise<StateLock> {
  const lockPath = `${stateFile}.lock`;
  await mkdir(dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createWithPid(lockPath)) {
      heldHere.add(lockPath);
      return { owned: true, release: () => releaseLock(lockPath) };
    }
    const ownerPid = await readOwner(lockPath);
    if (ownerPid !== undefined && holderAlive(lockPath, ownerPid)) return { owned: false, ownerPid };
    await rm(lockPath, { force: true });
  }
  // Lost the race to recreate it three times: someone else is clearly starting up with it.
  return { owned: false, ownerPid: (await readOwner(lockPath)) ?? 0 };
}

/** Create the lock with our pid already inside (write a temp file, hard-link it into place): never seen empty. */
async function createWithPid(lockPath: string): Promise<boolean> {
  const temp = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, `${process.pid}\n`, { mode: 0o600 });
    await link(temp, lockPath);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await rm(temp, { force: true });
  }
}

async function releaseLock(lockPath: string): Promise<void> {
  if (!heldHere.delete(lockPath)) return;
  await rm(lockPath, { force: true });
}

async function readOwner(lockPath: string): Promise<number | undefined> {
  const text = await readFile(lockPath, 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function holderAlive(lockPath: string, pid: number): boolean {
  if (pid === process.pid) return heldHere.has(lockPath);
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, but not ours to signal
  }
}
