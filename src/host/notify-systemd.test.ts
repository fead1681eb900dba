import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { notifySystemd } from './notify-systemd.ts';

test('without NOTIFY_SOCKET nothing is sent', async () => {
  assert.equal(await notifySystemd({}, 'x', () => {}), false);
});

test('READY=1 and the status reach the notify socket', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-notify-'));
  const sock = join(dir, 'notify.sock');
  // A stand-in for systemd's notify socket (Node has no unix datagram sockets). systemd-notify
  // sends its message, then a BARRIER=1 datagram carrying a pipe it waits on: the stand-in must
  // still be there to take it (recv drops the fd, which ends the wait), or the barrier fails.
  const py = [
    'import socket',
    's=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)',
    `s.bind(${JSON.stringify(sock)})`,
    's.settimeout(10)',
    'print("bound",flush=True)',
    'while True:',
    '  t=s.recv(4096).decode()',
    '  print(t,flush=True)',
    '  if "BARRIER=1" in t: break',
  ].join('\n');
  const listener = spawn('python3', ['-c', py], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  listener.stdout.on('data', (d: Buffer) => (out += d.toString()));
  // Listen for the exit now: the listener may exit (after one datagram) before notifySystemd returns.
  const exited = new Promise((r) => listener.once('exit', r));
  try {
    while (!out.includes('bound')) {
      if (listener.exitCode !== null) assert.fail(`the stand-in socket listener exited ${listener.exitCode} before binding`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const logs: string[] = [];
    assert.equal(await notifySystemd({ ...process.env, NOTIFY_SOCKET: sock }, 'rfo is ready', (m) => logs.push(m)), true, logs.join('\n'));
    await exited;
    assert.match(out, /READY=1/);
    assert.match(out, /STATUS=rfo is ready/);
  } finally {
    listener.kill();
    await rm(dir, { recursive: true, force: true });
  }
});
