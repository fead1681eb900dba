// Readiness probes used while a server starts: HTTPS health endpoints with
// client certificates, a DNS query to CoreDNS, and free-port checks.

import { request } from 'node:https';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';

export interface TlsClient {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

export async function httpsGet(url: string, tls: TlsClient, timeoutMs = 3000): Promise<{ status: number; body: string }> {
  const [ca, cert, key] = await Promise.all([readFile(tls.caFile), readFile(tls.certFile), readFile(tls.keyFile)]);
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, cert, key, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Poll until check() resolves true, or throw after timeoutMs with the last reason. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, intervalMs = 500, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    // rfo is stopping (SIGTERM during the start): give up now, not at the deadline.
    if (signal?.aborted) throw new Error(`${what}: rfo is stopping`);
    try {
      if (await check()) return;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${Math.round(timeoutMs / 1000)}s${last ? `: ${last}` : ''}`);
    await sleep(intervalMs, signal);
  }
}

/** setTimeout that an abort ends early. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Whether a TCP port can be bound on the address (i.e. nobody else is listening). */
export function portFree(port: number, host = '0.0.0.0'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** One A query over UDP; resolves to the answer count (0 on NXDOMAIN). */
export function dnsQuery(server: string, name: string, timeoutMs = 2000): Promise<number> {
  const id = Math.floor(Math.random() * 65535);
  const qname = Buffer.concat([...name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2); // recursion desired
  header.writeUInt16BE(1, 4); // one question
  const packet = Buffer.concat([header, qname, Buffer.from([0, 1, 0, 1])]);
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    const timer = setTimeout(() => {
      sock.close();
      reject(new Error(`no DNS answer from ${server}`));
    }, timeoutMs);
    sock.on('error', (err) => {
      clearTimeout(timer);
      sock.close();
      reject(err);
    });
    sock.on('message', (msg) => {
      if (msg.readUInt16BE(0) !== id) return;
      clearTimeout(timer);
      sock.close();
      resolve(msg.readUInt16BE(6));
    });
    sock.send(packet, 53, server);
  });
}
