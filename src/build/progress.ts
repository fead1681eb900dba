// Progress lines for long builds: one line per state change per component
// (cached / building / done / failed) with elapsed time, plus a heartbeat
// while a step runs so a 20-minute compile never looks hung.

export interface Progress {
  step(component: string, state: 'cached' | 'building' | 'done' | 'failed' | 'skipped', detail?: string): void;
  info(message: string): void;
  /** Run fn, printing "still <verb>" every heartbeatMs. */
  during<T>(component: string, verb: string, fn: () => Promise<T>): Promise<T>;
}

export function formatElapsed(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - m * 60)).padStart(2, '0')}s`;
}

export function createProgress(write: (line: string) => void, now: () => number = Date.now, heartbeatMs = 30_000): Progress {
  const started = now();
  const stamp = () => `[${formatElapsed(now() - started).padStart(7)}]`;
  return {
    step(component, state, detail) {
      write(`${stamp()} ${component.padEnd(12)} ${state}${detail ? ` ${detail}` : ''}`);
    },
    info(message) {
      write(`${stamp()} ${message}`);
    },
    async during(component, verb, fn) {
      const t0 = now();
      const timer = setInterval(() => write(`${stamp()} ${component.padEnd(12)} still ${verb} (${formatElapsed(now() - t0)})`), heartbeatMs);
      try {
        return await fn();
      } finally {
        clearInterval(timer);
      }
    },
  };
}
