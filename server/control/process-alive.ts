/** Whether a process with this pid exists (EPERM: it does, owned by someone else). Used by the
 * data-directory lock and `npm stop`. */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
