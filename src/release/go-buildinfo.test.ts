import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoBuildInfo } from './go-buildinfo.ts';

const sample = [
  '/x/bin/flanneld: go1.26.8',
  '\tpath\tgithub.com/flannel-io/flannel',
  '\tmod\tgithub.com/flannel-io/flannel\tv0.28.10\th1:jt+uW6XVV01MBb3YFahG7Ue9UE3W6zlNlJMf3JtdcXI=',
  '\tdep\tgithub.com/coreos/go-iptables\tv0.8.0\th1:MPc2P89IhuVpLI7ETL/2tx3XZ61VeICZjYqDEgNsPRc=',
  '\tdep\tgithub.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common\tv1.0.0',
  '\t=>\t./unavailable/tencentcloud-common\t(devel)\t',
  '\tbuild\t-ldflags=-s -w -X main.version=v0.28.10',
  '\tbuild\tCGO_ENABLED=0',
  '',
].join('\n');

test('go version -m: main module, deps with sums, replacements and build settings', () => {
  const info = parseGoBuildInfo(sample);
  assert.equal(info.goVersion, 'go1.26.8');
  assert.equal(info.path, 'github.com/flannel-io/flannel');
  assert.deepEqual(info.main, { path: 'github.com/flannel-io/flannel', version: 'v0.28.10', sum: 'h1:jt+uW6XVV01MBb3YFahG7Ue9UE3W6zlNlJMf3JtdcXI=' });
  assert.equal(info.deps.length, 2);
  assert.equal(info.deps[0]?.sum, 'h1:MPc2P89IhuVpLI7ETL/2tx3XZ61VeICZjYqDEgNsPRc=');
  assert.deepEqual(info.deps[1]?.replace, { path: './unavailable/tencentcloud-common', version: '(devel)' });
  assert.equal(info.settings['-ldflags'], '-s -w -X main.version=v0.28.10');
  assert.equal(info.settings.CGO_ENABLED, '0');
});

test('go version -m: anything else is refused', () => {
  assert.throws(() => parseGoBuildInfo('not a binary'), /not go version -m output/);
});
