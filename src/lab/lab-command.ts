// `rfo lab …`: the CLI over lab.ts. Progress goes to stderr with the time
// since the command started; results (status table/JSON, kubectl output) to stdout.

import { labDown, labExec, labKubectl, labStatus, labUp, startNode, stopNode } from './lab.ts';
import { labUsage, parseLabArgs } from './parse-lab-args.ts';
import { renderStatusTable, renderSummary } from './render-status.ts';

export async function labCommand(args: readonly string[]): Promise<number> {
  const c = parseLabArgs(args, process.env.RFO_LAB_DIR);
  const t0 = Date.now();
  const log = (line: string) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${line}\n`);
  const ref = { labDir: c.labDir };
  switch (c.verb) {
    case 'help':
      process.stdout.write(labUsage);
      return 0;
    case 'up': {
      const status = await labUp({ servers: c.servers, agents: c.agents, labDir: c.labDir, subnet: c.subnet, name: c.name, wait: c.wait, images: c.images, log, ...(c.runtimeDir ? { runtimeDir: c.runtimeDir } : {}) });
      process.stdout.write(`${renderSummary(status)}\n`);
      return 0;
    }
    case 'down':
      await labDown({ ...ref, ...(c.nameGiven ? { name: c.name } : {}), log });
      return 0;
    case 'status': {
      const status = await labStatus(ref);
      process.stdout.write(c.output === 'json' ? `${JSON.stringify(status, null, 2)}\n` : renderStatusTable(status));
      return 0;
    }
    case 'stop':
      await stopNode(c.rest[0] ?? '', { ...ref, log, hard: c.hard });
      return 0;
    case 'start':
      await startNode(c.rest[0] ?? '', { ...ref, log, wait: c.wait });
      return 0;
    case 'exec': {
      const r = await labExec(c.rest[0] ?? '', c.rest.slice(1), ref);
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      return r.code;
    }
    case 'kubectl': {
      const stdin = process.stdin.isTTY ? undefined : await readStdin();
      const r = await labKubectl(c.rest, { ...ref, ...(stdin ? { input: stdin } : {}) });
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      return r.code;
    }
  }
}

/** kubectl apply -f - needs stdin; only read it when something is piped in. */
async function readStdin(): Promise<string | undefined> {
  if (!(await stdinIsPipeOrFile())) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

async function stdinIsPipeOrFile(): Promise<boolean> {
  const { fstat } = await import('node:fs');
  return new Promise((resolve) => fstat(0, (err, st) => resolve(!err && (st.isFIFO() || st.isFile()))));
}
