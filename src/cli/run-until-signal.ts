// How `rfo server` and `rfo agent` end. SIGTERM/SIGINT: stop the components
// in reverse order and exit 0 (a requested stop). SIGHUP, an uncaught
// exception or an unhandled rejection: log it, stop the components in
// reverse order the same way, and exit non-zero (128+1 for SIGHUP, 1 for the
// bugs), so a supervisor (systemd Restart=always) starts rfo again and no
// component is ever left running without its rfo.

export interface StoppableNode {
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

type Exit = (code: number) => void;

export function runUntilSignal(node: StoppableNode, log: (m: string) => void, exit: Exit = (code) => process.exit(code)): Promise<number> {
  let stopping = false;
  const shutdown = (why: string, code: number) => {
    if (stopping) {
      log(`${why} while stopping; still stopping the components`);
      return;
    }
    stopping = true;
    log(`${why}: stopping components in reverse order${code === 0 ? '' : `, then exiting ${code}`}`);
    node
      .stop()
      .catch((err: unknown) => log(`stopping failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`))
      .finally(() => exit(code));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM', 0));
  process.on('SIGINT', () => shutdown('SIGINT', 0));
  process.on('SIGHUP', () => shutdown('SIGHUP', 129));
  process.on('uncaughtException', (err) => {
    log(`uncaught exception: ${err.stack ?? err.message}`);
    shutdown('uncaught exception', 1);
  });
  process.on('unhandledRejection', (reason) => {
    log(`unhandled promise rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
    shutdown('unhandled rejection', 1);
  });
  return node.ready.then(
    () => new Promise<number>(() => undefined),
    (err: unknown) => {
      // A start that failed because a signal stopped it: the handler exits.
      if (stopping) return new Promise<number>(() => undefined);
      throw err;
    },
  );
}
