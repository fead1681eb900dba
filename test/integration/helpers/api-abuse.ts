// Abusive clients of a supervisor API, for the abuse test: idle TLS
// connections, raw requests with bad passwords, from chosen local addresses.
// Every loop here is bounded in count and in time and stops by itself.

import { connect as tcpConnect } from 'node:net';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { readFile } from 'node:fs/promises';

export interface Target {
  readonly host: string;
  readonly port: number;
}

/** A TLS connection from `localAddress`; undefined if the server closes or refuses it first (or `timeoutMs` passes). */
export function tlsUp(t: Target, localAddress: string, timeoutMs = 15_000): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const raw = tcpConnect({ host: t.host, port: t.port, localAddress });
    const s = tlsConnect({ socket: raw, rejectUnauthorized: false }, () => {
      clearTimeout(timer);
      resolve(s);
    });
    const timer = setTimeout(() => {
      s.destroy();
      resolve(undefined);
    }, timeoutMs);
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
}

/** ms until the server closes `socket`; Infinity (and the socket destroyed) after `withinMs`. */
export function closedAfter(socket: Socket, withinMs: number): Promise<number> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    if (socket.destroyed) {
      resolve(0);
      return;
    }
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(Infinity);
    }, withinMs);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - t0);
    });
  });
}

/** A raw TCP connection that never starts TLS. */
export function silentTcp(t: Target, localAddress: string): Socket {
  const s = tcpConnect({ host: t.host, port: t.port, localAddress });
  s.on('error', () => undefined);
  return s;
}

export interface RawReply {
  /** 0: no answer (closed, refused or timed out). */
  readonly status: number;
  readonly ms: number;
}

/** One request on a new connection; gives up after `timeoutMs`. */
export function rawRequest(t: Target, localAddress: string, head: string, timeoutMs = 5_000): Promise<RawReply> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const s = tlsConnect({ socket: tcpConnect({ host: t.host, port: t.port, localAddress }), rejectUnauthorized: false }, () => s.write(head));
    let got = '';
    const done = (status: number) => {
      clearTimeout(timer);
      s.destroy();
      resolve({ status, ms: Date.now() - t0 });
    };
    const timer = setTimeout(() => done(0), timeoutMs);
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d+)/.exec(got);
      if (m) done(Number(m[1]));
    });
    s.on('error', () => done(0));
    s.on('close', () => done(0));
  });
}

export const badPasswordRequest = (host: string) =>
  `GET /v1-rfo/config HTTP/1.1\r\nhost: ${host}\r\nauthorization: Basic ${Buffer.from('node:not-the-token').toString('base64')}\r\n\r\n`;

/**
 * Keep up to `perSource` idle TLS connections open from each address until
 * stop() (or `maxMs`): the server closes idle ones, and an attacker reconnects.
 * At most `maxConnects` connections are made in all.
 */
export function idleFlood(t: Target, sources: readonly string[], perSource: number, o: { maxMs: number; maxConnects: number }) {
  let stopped = false;
  let connects = 0;
  let open = 0;
  let peakOpen = 0;
  const sockets = new Set<Socket>();
  const deadline = setTimeout(() => (stopped = true), o.maxMs);
  const slot = async (source: string): Promise<void> => {
    while (!stopped && connects < o.maxConnects) {
      connects++;
      const s = await tlsUp(t, source);
      if (!s) {
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      sockets.add(s);
      open++;
      peakOpen = Math.max(peakOpen, open);
      await new Promise((r) => s.once('close', r));
      open--;
      sockets.delete(s);
    }
  };
  const running = Promise.all(sources.flatMap((src) => Array.from({ length: perSource }, () => slot(src))));
  return {
    stats: () => ({ open, peakOpen, connects }),
    async stop(): Promise<{ open: number; peakOpen: number; connects: number }> {
      const last = { open, peakOpen, connects };
      stopped = true;
      clearTimeout(deadline);
      for (const s of sockets) s.destroy();
      await running;
      return last;
    },
  };
}

/** `count` bad-password requests, `concurrency` at a time, each on a new connection. */
export async function badPasswordFlood(t: Target, source: string, count: number, concurrency: number, timeoutMs: number): Promise<RawReply[]> {
  const replies: RawReply[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      replies.push(await rawRequest(t, source, badPasswordRequest(t.host), timeoutMs));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return replies;
}

/** VmRSS of a process in MiB. */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
}

/** Sample a process's RSS every `everyMs` until stop(); returns the peak. */
export function sampleRss(pid: number, everyMs = 250) {
  let peak = 0;
  const timer = setInterval(() => {
    void rssMiB(pid).then(
      (m) => (peak = Math.max(peak, m)),
      () => undefined,
    );
  }, everyMs);
  return {
    stop(): number {
      clearInterval(timer);
      return peak;
    },
  };
}
