// Failed logins per handle (DESIGN §7). Only an attempt on a challenge issued for the handle
// counts, and only when its signature is wrong; a valid signature is never refused here, so a
// stranger's failures cannot lock a moderator out. No limit is kept per client address: behind a
// proxy or an onion every client shares one, and a stranger's junk would lock the moderator out.
// Counters hold keyed hashes, not handles, and are forgotten after their window. With Redis
// (REDIS_URL) every instance shares them, so the pause holds at its limit across instances.
import type { Redis } from 'ioredis';
import { unavailable } from '../error-handling.js';

export const HANDLE_FAILURE_LIMIT = 10;
export const HANDLE_FAILURE_WINDOW_MS = 15 * 60 * 1000;
// Bounds memory under a flood of invented handles; expired windows are swept first.
const MAX_TRACKED_HANDLES = 10_000;

/** Counts a handle's failed logins; answers how long they stay paused (seconds), or 0 within the limit. */
export interface HandleFailures {
  recordFailure(handleHash: Uint8Array, now?: number): Promise<number>;
}

interface Window {
  failures: number;
  endsAt: number;
}

/** In this process's memory: for a single instance. */
export class HandleFailureCounter implements HandleFailures {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limit = HANDLE_FAILURE_LIMIT,
    private readonly windowMs = HANDLE_FAILURE_WINDOW_MS,
  ) {}

  async recordFailure(handleHash: Uint8Array, now = Date.now()): Promise<number> {
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

// One round trip: count, start the window on the first failure, answer the count and what is left of it.
const RECORD_FAILURE = `
local failures = redis.call('INCR', KEYS[1])
if failures == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { failures, redis.call('PTTL', KEYS[1]) }`;

/** In the Redis every instance shares; a failure while Redis is away answers 503 (a valid login never asks). */
export class RedisHandleFailureCounter implements HandleFailures {
  constructor(
    private readonly redis: Redis,
    private readonly limit = HANDLE_FAILURE_LIMIT,
    private readonly windowMs = HANDLE_FAILURE_WINDOW_MS,
  ) {}

  async recordFailure(handleHash: Uint8Array): Promise<number> {
    if (this.redis.status !== 'ready') throw unavailable();
    let answer: unknown;
    try {
      answer = await this.redis.eval(RECORD_FAILURE, 1, `offscript:login-failures:${Buffer.from(handleHash).toString('hex')}`, String(this.windowMs));
    } catch {
      throw unavailable();
    }
    const [failures, ttlMs] = answer as [number, number]; // why: the script returns exactly these two integers
    return failures > this.limit ? Math.max(1, Math.ceil(ttlMs / 1000)) : 0;
  }
}

export function handleFailuresFor(redis: Redis | undefined): HandleFailures {
  return redis ? new RedisHandleFailureCounter(redis) : new HandleFailureCounter();
}
