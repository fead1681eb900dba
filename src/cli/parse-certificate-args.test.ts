import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCertificateArgs } from './parse-certificate-args.ts';

test('the subcommand, its flags, and --server taken out of the flags', () => {
  assert.deepEqual(parseCertificateArgs(['rotate', '--service', 'kubelet,etcd', '-d', '/x']), { verb: 'rotate', flags: ['--service', 'kubelet,etcd', '-d', '/x'] });
  assert.deepEqual(parseCertificateArgs(['rotate-ca', '--path', '/p', '--server', 'https://10.0.0.1:9345', '--force']), { verb: 'rotate-ca', flags: ['--path', '/p', '--force'], server: 'https://10.0.0.1:9345' });
  assert.deepEqual(parseCertificateArgs(['rotate-ca', '--server=https://a:9345']).server, 'https://a:9345');
  assert.deepEqual(parseCertificateArgs(['rotatee']), { verb: undefined, other: 'rotatee', flags: ['rotatee'] });
  assert.equal(parseCertificateArgs(['--help']).verb, undefined);
});
