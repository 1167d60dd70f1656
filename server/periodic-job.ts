// The one loop behind the server's background jobs (the daily purge, the release check).

export interface PeriodicJob {
  /** Stops the timer and waits for a run in progress, if any. */
  stop(): Promise<void>;
}

/**
 * Runs `run` now and then every `intervalMs`, on an unref'ed timer so that it never keeps the
 * process alive. A run never overlaps the previous one; a failure goes to `onError`, never thrown.
 */
export function startPeriodicJob(run: () => Promise<void>, intervalMs: number, onError: (err: unknown) => void): PeriodicJob {
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = (): void => {
    if (stopped || running) return;
    running = run()
      .catch(onError)
      .finally(() => {
        running = undefined;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
