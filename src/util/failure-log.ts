// Background loops (the server watcher, refreshes) retry forever; logging
// every failed tick would bury the log in one repeated line. A failure is
// logged when it starts or its message changes, and once more when the same
// step works again, so the log shows each outage's start and end.

export interface FailureLog {
  /** Log `message` for `step` unless it is the one logged last for it. */
  fail(step: string, message: string): void;
  /** The step worked: log the recovery if it was failing. */
  ok(step: string): void;
}

export function createFailureLog(log: (m: string) => void): FailureLog {
  const failing = new Map<string, string>();
  return {
    fail(step, message) {
      if (failing.get(step) === message) return;
      failing.set(step, message);
      log(`${step} failed: ${message}`);
    },
    ok(step) {
      if (!failing.delete(step)) return;
      log(`${step} works again`);
    },
  };
}
