/**
 * Whether the process that claimed a run still exists. A run left 'running' by a process that is
 * gone crashed (or was killed) and may be resumed; one whose owner is alive must not be run twice.
 */

/** True when a process with this id exists (signal 0 checks without sending anything). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user, which still means "alive".
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
