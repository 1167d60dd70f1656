// The background jobs' one loop (server/periodic-job.ts): a run at once, no overlapping runs,
// failures reported and the loop going on, and stop() waiting for the run in progress.
import { describe, expect, it } from 'vitest';
import { startPeriodicJob } from '../../server/periodic-job.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startPeriodicJob', () => {
  it('runs at once, never overlaps a slow run, and stop() waits for the run in progress', async () => {
    let active = 0;
    let mostAtOnce = 0;
    let runs = 0;
    let finished = 0;
    const job = startPeriodicJob(
      async () => {
        runs++;
        active++;
        mostAtOnce = Math.max(mostAtOnce, active);
        await pause(30);
        active--;
        finished++;
      },
      () => {},
      5,
    );
    expect(runs).toBe(1);
    await pause(100);
    await job.stop();
    expect(mostAtOnce).toBe(1);
    expect(runs).toBeGreaterThan(1);
    expect(finished).toBe(runs);
    const stoppedAt = runs;
    await pause(30);
    expect(runs).toBe(stoppedAt);
  });

  it('hands a failure to onError, never throws, and runs again at the next tick', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const job = startPeriodicJob(
      async () => {
        runs++;
        throw new Error(`run ${runs} failed`);
      },
      (err) => errors.push(err),
      5,
    );
    await pause(50);
    await job.stop();
    expect(runs).toBeGreaterThan(1);
    expect(errors).toHaveLength(runs);
    expect(String(errors[0])).toContain('run 1 failed');
  });
});
