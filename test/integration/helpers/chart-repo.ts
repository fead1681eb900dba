// A real chart repository for tests and benchmarks: charts packaged by
// `helm package`, an index made by `helm repo index`, served over HTTPS
// (a CA of its own, a certificate for the node's IP) from inside a test node.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { run } from '../../../src/util/exec.ts';
import { busyboxRef } from './busybox-image.ts';
import type { TestNode } from './test-node.ts';

/** A test chart: a ConfigMap of its values, and (failHook) a post-install/upgrade hook that fails. */
export async function makeChart(helmBin: string, dir: string, name: string, version: string): Promise<string> {
  const c = join(dir, name);
  await mkdir(join(c, 'templates'), { recursive: true });
  await writeFile(join(c, 'Chart.yaml'), stringify({ apiVersion: 'v2', name, version, appVersion: version }));
  await writeFile(join(c, 'values.yaml'), stringify({ greeting: 'from-chart', extra: 'from-chart', failHook: false }));
  await writeFile(
    join(c, 'templates', 'configmap.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-values\ndata:\n  greeting: {{ .Values.greeting | quote }}\n  extra: {{ .Values.extra | quote }}\n',
  );
  await writeFile(
    join(c, 'templates', 'hook.yaml'),
    [
      '{{- if .Values.failHook }}',
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-hook',
      '  annotations:',
      '    "helm.sh/hook": post-install,post-upgrade',
      '    "helm.sh/hook-delete-policy": before-hook-creation',
      'spec:',
      '  backoffLimit: 0',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
      '      containers:',
      '        - name: fail',
      `          image: ${busyboxRef}`,
      '          imagePullPolicy: Never',
      '          command: ["sh", "-c", "echo the hook fails; exit 1"]',
      '{{- end }}',
      '',
    ].join('\n'),
  );
  const r = await run({ cmd: helmBin, args: ['package', c, '--destination', dir] });
  assert.equal(r.code, 0, r.stderr);
  return join(dir, `${name}-${version}.tgz`);
}

/** openssl: a CA and a serving certificate for the node's IP. */
export async function makeRepoTls(node: TestNode, dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const ssl = async (...args: string[]) => {
    const r = await run({ cmd: 'openssl', args });
    assert.equal(r.code, 0, `openssl ${args.join(' ')}: ${r.stderr}`);
  };
  const p = (f: string) => join(dir, f);
  await ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=rfo test chart repo CA', '-keyout', p('ca.key'), '-out', p('ca.crt'));
  await ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=charts', '-keyout', p('repo.key'), '-out', p('repo.csr'));
  await writeFile(p('ext.cnf'), `subjectAltName=IP:${node.ip}\nextendedKeyUsage=serverAuth\n`);
  await ssl('x509', '-req', '-in', p('repo.csr'), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', p('ext.cnf'), '-out', p('repo.crt'));
  return { ca: p('ca.crt'), cert: p('repo.crt'), key: p('repo.key') };
}

/** A static HTTPS file server for the chart repository, inside the node's network namespace. */
/** basicAuth: every request must carry these credentials (401 otherwise). */
export async function serveRepo(node: TestNode, dir: string, tls: { cert: string; key: string }, port: number, basicAuth?: { user: string; password: string }): Promise<ChildProcess> {
  const expected = basicAuth ? `Basic ${Buffer.from(`${basicAuth.user}:${basicAuth.password}`).toString('base64')}` : '';
  const script = `
    const https = require('node:https'), fs = require('node:fs'), path = require('node:path');
    const root = ${JSON.stringify(dir)};
    const expected = ${JSON.stringify(expected)};
    https.createServer({ cert: fs.readFileSync(${JSON.stringify(tls.cert)}), key: fs.readFileSync(${JSON.stringify(tls.key)}) }, (req, res) => {
      if (expected && req.headers.authorization !== expected) { res.writeHead(401, { 'www-authenticate': 'Basic realm="charts"' }); res.end(); return; }
      const file = path.join(root, path.normalize(decodeURIComponent(req.url.split('?')[0])).replace(/^([.][.][/])+/, ''));
      fs.readFile(file, (err, data) => { if (err) { res.writeHead(404); res.end(); } else { res.writeHead(200); res.end(data); } });
    }).listen(${port}, ${JSON.stringify(node.ip)}, () => console.log('listening'));`;
  const repo = spawn(node.prefix[0] ?? 'nsenter', [...node.prefix.slice(1), process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    repo.stdout.once('data', () => resolve());
    repo.once('exit', (code) => reject(new Error(`chart repository exited ${code}`)));
  });
  return repo;
}

