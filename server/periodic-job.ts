// A background job that runs at start and then every interval, one run at a time; a failed run
// is logged, never thrown, and the next interval tries again. stop() waits for a run under way.
export interface PeriodicJob {
  /** Runs now unless a run is under way (e.g. when what held the job back is gone). */
  runNow(): void;
  stop(): Promise<void>;
}

export function startPeriodicJob(run: () => Promise<void>, onError: (err: unknown) => void, intervalMs: number): PeriodicJob {
  let running: Promise<void> | undefined;
  let stopped = false;
  const check = () => {
    if (stopped || running) return;
    running = run()
      .catch(onError)
      .finally(() => {
        running = undefined;
      });
  };
  check();
  const timer = setInterval(check, intervalMs);
  timer.unref();
  return {
    runNow: check,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
