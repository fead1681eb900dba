// Poll until a condition holds; a check that throws counts as "not yet".
// Returns how long it took (ms), so benchmarks and tests can report it.

export async function eventually(what: string, fn: () => Promise<boolean>, timeoutMs = 120_000, intervalMs = 1000): Promise<number> {
  const started = Date.now();
  while (!(await fn().catch(() => false))) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return Date.now() - started;
}
