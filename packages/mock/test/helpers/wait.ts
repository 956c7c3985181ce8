// The one polling helper of the mock's tests: wait until a value appears or a predicate holds, bounded in time,
// with an error that names what was awaited. (Polls the real clock: for what a server does on its own, not for
// virtual time, which tests advance through the control plane.)

/** Resolves with `fn()`'s first non-undefined value; throws after `timeoutMs`. */
export async function until<T>(what: string, fn: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves once `pred()` holds (it may be async); throws after `ms`. */
export async function waitFor(pred: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
