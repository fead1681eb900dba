import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import type { Server } from 'node:net';
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
