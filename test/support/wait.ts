// The one way tests wait for something outside them (a server ready, a log line, a process gone):
// poll a condition until it holds or a deadline passes, instead of fixed sleeps and hand loops.

export interface WaitOptions {
  /** How long to keep trying; 10 s unless said. */
  timeoutMs?: number;
  /** Pause between tries; 50 ms unless said. */
  intervalMs?: number;
}

/**
 * Resolves once `condition` returns true; throws "`what` not reached within N s" (or `what()`'s
 * text, read at the deadline) when it never does. A condition that throws stops the wait with its
 * error: that is how a caller says "this will never happen" (the process exited, say).
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string | (() => string), { timeoutMs = 10_000, intervalMs = 50 }: WaitOptions = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(typeof what === 'string' ? `${what} not reached within ${timeoutMs / 1000} s` : what());
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** True once `url` answers with a 2xx status; false while nothing listens there. */
export async function answersOk(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}
