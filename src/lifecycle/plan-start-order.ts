// Pure: checks a component list (unique names, known dependencies, no
// cycles) and gives the stages a start could take if every component took
// the same time — for --dry-run output and for the manager's sanity check.
// The manager itself starts each component as soon as its dependencies are
// ready, so a slow one never holds back an unrelated one.

export interface ComponentDecl {
  readonly name: string;
  /** Components that must be ready before this one starts. */
  readonly after?: readonly string[];
}

export type StartOrder = { readonly ok: true; readonly stages: string[][] } | { readonly ok: false; readonly error: string };

export function planStartOrder(components: readonly ComponentDecl[]): StartOrder {
  const names = new Set<string>();
  for (const c of components) {
    if (names.has(c.name)) return { ok: false, error: `component ${c.name} is declared twice` };
    names.add(c.name);
  }
  for (const c of components) {
    for (const d of c.after ?? []) if (!names.has(d)) return { ok: false, error: `component ${c.name} waits for ${d}, which is not in the list` };
  }
  const done = new Set<string>();
  const stages: string[][] = [];
  while (done.size < components.length) {
    const stage = components.filter((c) => !done.has(c.name) && (c.after ?? []).every((d) => done.has(d))).map((c) => c.name);
    if (stage.length === 0) {
      const stuck = components.filter((c) => !done.has(c.name)).map((c) => c.name);
      return { ok: false, error: `components wait for each other in a cycle: ${stuck.join(', ')}` };
    }
    for (const n of stage) done.add(n);
    stages.push(stage);
  }
  return { ok: true, stages };
}
