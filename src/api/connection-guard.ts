// Counts the supervisor API's open connections per source and refuses one
// over the caps before its TLS handshake starts (so a refused connection
// costs no crypto). Refusals are logged as a summary at most once a minute:
// a flood must not fill the log.

import type { Server } from 'node:net';
import type { Socket } from 'node:net';
import { admitConnection, sourceKey } from './plan-connection-limits.ts';
import type { ConnectionLimits } from './plan-connection-limits.ts';

export interface ConnectionGuard {
  /** Open connections now (for tests and the status log). */
  readonly open: () => number;
  readonly refused: () => number;
}

const summaryEveryMs = 60_000;

export function guardConnections(server: Server, limits: ConnectionLimits, log: (m: string) => void): ConnectionGuard {
  const perSource = new Map<string, number>();
  let total = 0;
  let refusedTotal = 0;
  let refusedSinceLog = 0;
  let lastLogAt = -Infinity;
  const refuse = (socket: Socket, source: string, why: string) => {
    refusedTotal++;
    refusedSinceLog++;
    socket.destroy();
    const now = Date.now();
    if (now - lastLogAt < summaryEveryMs) return;
    log(`supervisor API: refused ${refusedSinceLog} connection(s) in the last minute; latest from ${source}: ${why} (caps: ${limits.perSource} per source, ${limits.total} in all)`);
    lastLogAt = now;
    refusedSinceLog = 0;
  };
  // Before the TLS listener: a refused socket is never handed to TLS.
  server.prependListener('connection', (socket: Socket) => {
    const source = sourceKey(socket.remoteAddress);
    const admission = admitConnection(perSource, total, source, limits);
    if (admission !== 'ok') {
      refuse(socket, source, admission === 'source-full' ? 'too many connections from this source' : 'too many connections in all');
      return;
    }
    total++;
    perSource.set(source, (perSource.get(source) ?? 0) + 1);
    socket.once('close', () => {
      total--;
      const n = (perSource.get(source) ?? 1) - 1;
      if (n > 0) perSource.set(source, n);
      else perSource.delete(source);
    });
  });
  return { open: () => total, refused: () => refusedTotal };
}
