// The agent's client-side load balancer (K3s' idea): a TCP proxy on
// 127.0.0.1 in front of every known apiserver. kubelet, kube-proxy and
// flanneld talk to it, so when one server of an HA cluster goes away their
// next connection goes to another. The server list is replaced as the
// cluster changes; `server:` in the config is only used to bootstrap.

import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { orderBackends, splitAddress } from './backend-order.ts';

export interface LoadBalancer {
  readonly port: number;
  setBackends(addresses: readonly string[]): void;
  backends(): readonly string[];
  close(): Promise<void>;
}

const dialTimeoutMs = 3000;
const healthIntervalMs = 5000;

function dial(address: string): Promise<Socket> {
  const { host, port } = splitAddress(address);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => socket.destroy(new Error('connect timeout')), dialTimeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    // An error after 'connect' (before the caller attached its handler) must not be uncaught.
    socket.on('error', () => undefined);
  });
}

export async function startLoadBalancer(host: string, port: number, initial: readonly string[], log: (m: string) => void): Promise<LoadBalancer> {
  let backends = [...initial];
  const health = new Map<string, boolean>(backends.map((b) => [b, true]));
  // Set (and logged) by the first connection that gets through.
  let preferred: string | undefined;
  const clients = new Map<string, Set<Socket>>();

  const use = (address: string) => {
    if (preferred !== address) log(`load balancer: apiserver ${address} is now preferred${preferred ? ` (was ${preferred})` : ''}`);
    preferred = address;
  };

  const server: Server = createServer((client) => {
    // A client can reset at any time, also while its upstream is still being
    // dialed: its 'error' must have a listener from the first moment, or the
    // ECONNRESET is an uncaught exception that ends the agent.
    client.on('error', () => client.destroy());
    client.pause();
    void (async () => {
      for (const address of orderBackends(backends.map((a) => ({ address: a, healthy: health.get(a) !== false })), preferred)) {
        if (client.destroyed) return;
        let upstream: Socket;
        try {
          upstream = await dial(address);
        } catch {
          if (health.get(address) !== false) log(`load balancer: apiserver ${address} is unreachable; trying the next`);
          health.set(address, false);
          continue;
        }
        health.set(address, true);
        use(address);
        upstream.on('error', () => client.destroy());
        upstream.on('close', () => client.destroy());
        if (client.destroyed) {
          // The client went away during the dial: nothing to forward.
          upstream.destroy();
          return;
        }
        const set = clients.get(address) ?? new Set<Socket>();
        clients.set(address, set);
        set.add(client);
        client.on('close', () => {
          set.delete(client);
          upstream.destroy();
        });
        client.pipe(upstream).pipe(client);
        client.resume();
        return;
      }
      client.destroy();
    })().catch((err: unknown) => {
      log(`load balancer: connection failed: ${(err as Error).message}`);
      client.destroy();
    });
  });

  // Background checks: a dead preferred server is noticed without waiting
  // for a client to fail, and its clients are cut so they reconnect elsewhere.
  const timer = setInterval(() => {
    for (const address of backends) {
      dial(address).then(
        (s) => {
          s.destroy();
          health.set(address, true);
        },
        () => {
          if (health.get(address) !== false) log(`load balancer: apiserver ${address} is unreachable`);
          health.set(address, false);
          for (const c of clients.get(address) ?? []) c.destroy();
        },
      );
    }
  }, healthIntervalMs);
  timer.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    setBackends(addresses) {
      if (addresses.length === 0 || addresses.join() === backends.join()) return;
      log(`load balancer: apiservers ${addresses.join(', ')}`);
      backends = [...addresses];
      for (const a of backends) if (!health.has(a)) health.set(a, true);
    },
    backends: () => backends,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        for (const set of clients.values()) for (const c of set) c.destroy();
        server.close(() => resolve());
      }),
  };
}
