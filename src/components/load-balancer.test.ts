import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { startLoadBalancer } from './load-balancer.ts';

/** A TCP server on loopback that answers every connection with its name. */
async function named(name: string): Promise<{ server: Server; address: string }> {
  const server = createServer((s) => s.end(name));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  return { server, address: `127.0.0.1:${typeof a === 'object' && a ? a.port : 0}` };
}

function ask(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    let data = '';
    s.on('data', (d: Buffer) => (data += d.toString()));
    s.on('close', () => resolve(data));
    s.on('error', () => resolve(''));
  });
}

test('connections stick to one apiserver and move to the next when it goes away', async () => {
  const a = await named('A');
  const b = await named('B');
  const lb = await startLoadBalancer('127.0.0.1', 0, [a.address, b.address], () => undefined);
  try {
    assert.equal(await ask(lb.port), 'A');
    assert.equal(await ask(lb.port), 'A');
    await new Promise<void>((r) => a.server.close(() => r()));
    assert.equal(await ask(lb.port), 'B', 'fails over to B');
    assert.equal(await ask(lb.port), 'B', 'and stays there');
    lb.setBackends([b.address]);
    assert.deepEqual(lb.backends(), [b.address]);
    await new Promise<void>((r) => b.server.close(() => r()));
    assert.equal(await ask(lb.port), '', 'no backend: the client is closed, not hung');
  } finally {
    await lb.close();
    a.server.close();
    b.server.close();
  }
});

/**
 * An upstream whose connect hangs: a listener in a stopped process (it never
 * accepts) whose accept queue is full, so the kernel drops further SYNs and
 * a dial to it neither connects nor fails until the dial timeout.
 */
async function blackHole(): Promise<{ address: string; close(): void }> {
  const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, function () { console.log(this.address().port); })`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  child.kill('SIGSTOP');
  const fillers: Socket[] = [];
  for (let i = 0; i < 4; i++) fillers.push(connect({ host: '127.0.0.1', port }).on('error', () => undefined));
  await new Promise((r) => setTimeout(r, 200));
  return {
    address: `127.0.0.1:${port}`,
    close() {
      for (const f of fillers) f.destroy();
      child.kill('SIGKILL');
    },
  };
}

test('a client that resets while the upstream dial hangs does not take the load balancer down', async () => {
  const hole = await blackHole();
  const good = await named('G');
  const lb = await startLoadBalancer('127.0.0.1', 0, [hole.address], () => undefined);
  try {
    // The black hole really hangs: a direct connect neither connects nor fails within 500 ms.
    const probe = connect({ host: '127.0.0.1', port: Number(hole.address.split(':')[1]) });
    const outcome = await Promise.race([
      new Promise((r) => probe.once('connect', () => r('connected'))),
      new Promise((r) => probe.once('error', () => r('failed'))),
      new Promise((r) => setTimeout(() => r('hung'), 500)),
    ]);
    probe.destroy();
    assert.equal(outcome, 'hung', 'the test upstream must hang');
    for (let i = 0; i < 3; i++) {
      const client = connect({ host: '127.0.0.1', port: lb.port });
      await new Promise<void>((r) => client.once('connect', () => r()));
      client.write('GET / HTTP/1.1\r\n\r\n');
      await new Promise((r) => setTimeout(r, 100));
      // RST while the load balancer is still dialing the upstream
      client.resetAndDestroy();
    }
    await new Promise((r) => setTimeout(r, 300));
    // Still serving: with a working upstream, a new client gets through.
    lb.setBackends([good.address]);
    assert.equal(await ask(lb.port), 'G');
  } finally {
    await lb.close();
    good.server.close();
    hole.close();
  }
});
