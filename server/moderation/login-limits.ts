// Failed logins per handle (DESIGN §7). Only an attempt on a challenge issued for the handle
// counts, and only when its signature is wrong; a valid signature is never refused here, so a
// stranger's failures cannot lock a moderator out. Per client, the route's rate limit applies.
// Counters are per process and forgotten after their window: they hold keyed hashes, not handles.

export const HANDLE_FAILURE_LIMIT = 10;
export const HANDLE_FAILURE_WINDOW_MS = 15 * 60 * 1000;
// Bounds memory under a flood of invented handles; expired windows are swept first.
const MAX_TRACKED_HANDLES = 10_000;

interface Window {
  failures: number;
  endsAt: number;
}

export class HandleFailureCounter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limit = HANDLE_FAILURE_LIMIT,
    private readonly windowMs = HANDLE_FAILURE_WINDOW_MS,
  ) {}

  /** Records one failure; answers how long the handle's failures stay paused, or 0 within the limit. */
  recordFailure(handleHash: Uint8Array, now = Date.now()): number {
    const key = Buffer.from(handleHash).toString('hex');
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      if (this.windows.size >= MAX_TRACKED_HANDLES) this.sweep(now);
      window = { failures: 0, endsAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    window.failures += 1;
    return window.failures > this.limit ? Math.ceil((window.endsAt - now) / 1000) : 0;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
    // Still full: the oldest windows go, so that a flood cannot grow memory without bound.
    for (const key of this.windows.keys()) {
      if (this.windows.size < MAX_TRACKED_HANDLES) break;
      this.windows.delete(key);
    }
  }
}
