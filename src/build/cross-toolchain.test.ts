import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cCompilerFor, crossCgoEnv, libseccompFact, multiarchPkgConfigDirs } from './cross-toolchain.ts';

test('the host builds with gcc, other arches with Debian cross compilers', () => {
  assert.equal(cCompilerFor('amd64', 'amd64'), 'gcc');
  assert.equal(cCompilerFor('arm64', 'amd64'), 'aarch64-linux-gnu-gcc');
  assert.equal(cCompilerFor('riscv64', 'amd64'), 'riscv64-linux-gnu-gcc');
  assert.equal(cCompilerFor('amd64', 'arm64'), 'x86_64-linux-gnu-gcc');
  assert.equal(multiarchPkgConfigDirs('arm64'), '/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig');
});

test('cross cgo env records CC and keeps the host path of pkg-config local', () => {
  assert.deepEqual(crossCgoEnv(undefined, undefined), { recorded: {}, local: {} });
  assert.deepEqual(crossCgoEnv('gcc', '/x'), { recorded: {}, local: {} });
  assert.deepEqual(crossCgoEnv('aarch64-linux-gnu-gcc', '/usr/lib/aarch64-linux-gnu/pkgconfig'), {
    recorded: { CC: 'aarch64-linux-gnu-gcc' },
    local: { PKG_CONFIG_LIBDIR: '/usr/lib/aarch64-linux-gnu/pkgconfig' },
  });
});

test('libseccomp facts name the package and its Debian version', () => {
  assert.equal(libseccompFact('libseccomp-dev:arm64', '2.5.4-1+deb12u1\n'), 'libseccomp-dev:arm64 2.5.4-1+deb12u1');
  assert.equal(libseccompFact('libseccomp-dev:riscv64', ''), undefined);
});
