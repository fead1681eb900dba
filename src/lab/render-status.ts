// Pure: `rfo lab status` as a table (or the same rows as JSON).

export interface NodeStatus {
  readonly name: string;
  readonly role: 'server' | 'agent';
  readonly ip: string;
  /** The node's rfo, when it runs. */
  readonly pid?: number;
  readonly state: 'running' | 'stopped';
  /** The Kubernetes node's Ready condition, when the API answered. */
  readonly ready?: 'True' | 'False' | 'Unknown' | 'absent';
}

export interface LabStatus {
  readonly name: string;
  readonly subnet: string;
  readonly labDir: string;
  /** False when no server's API answered. */
  readonly apiReachable: boolean;
  readonly nodes: readonly NodeStatus[];
}

export function renderStatusTable(s: LabStatus): string {
  const header = ['NAME', 'ROLE', 'IP', 'PID', 'STATE', 'READY'];
  const rows = s.nodes.map((n) => [n.name, n.role, n.ip, n.pid === undefined ? '-' : String(n.pid), n.state, n.ready ?? (s.apiReachable ? 'absent' : '?')]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join('  ')
      .trimEnd();
  const footer = s.apiReachable ? '' : '(READY ?: no server API answered)\n';
  return `${[header, ...rows].map(line).join('\n')}\n${footer}`;
}

/** One line for the end of `rfo lab up` and after stop/start. */
export function renderSummary(s: LabStatus): string {
  const running = s.nodes.filter((n) => n.state === 'running').length;
  const ready = s.nodes.filter((n) => n.ready === 'True').length;
  return `lab ${s.name} (${s.subnet}): ${running}/${s.nodes.length} nodes running, ${ready} Ready — rfo lab kubectl get nodes`;
}
