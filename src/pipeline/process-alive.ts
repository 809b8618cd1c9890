// Whether a process of this machine is still running: signal 0 checks without signalling. EPERM
// means it runs under another user (alive); ESRCH that it is gone.
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
