// End to end: the seed's "Helm Integration" on a real single-node cluster.
// helm-controller (built from its module) runs HelmCharts with our job image;
// CoreDNS itself is the packaged chart rfo-coredns. Charts come from a real
// chart repository served over HTTPS on the node (index made by `helm repo
// index`, its own CA given as repoCA) and inline as chartContent; users'
// values go through set, valuesContent and HelmChartConfig; helm and kubectl
// are the clients.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { repoRoot } from '../../src/build/paths.ts';
import { components } from '../../src/versions/table.ts';
import { run } from '../../src/util/exec.ts';
import { writeBusyboxArchive } from './helpers/busybox-image.ts';
import { makeChart, makeRepoTls, serveRepo } from './helpers/chart-repo.ts';
import { findRuntime } from './helpers/runtime.ts';
import { createTestNode } from './helpers/test-node.ts';
import { killallArgs, serverDirs, testServerArgs } from './helpers/server-dirs.ts';
import type { TestNode } from './helpers/test-node.ts';
import { eventually } from './helpers/eventually.ts';
import { stopProcess, untilReady } from './helpers/rfo-process.ts';
import { helmJobsFinished } from './helpers/helm-jobs.ts';

const rfo = join(repoRoot, 'bin', 'rfo');
let node: TestNode;
let root = '';
let runtimeDir = '';
let server: ChildProcess | undefined;
let output = '';
let repo: ChildProcess | undefined;
let privateRepo: ChildProcess | undefined;
const repoPort = 8443;
const privatePort = 8444;
const repoPassword = 'S3cret-only-in-the-secret';

const d = () => ({
  ...serverDirs(root),
  charts: join(root, 'charts'),
  config: join(root, 'config.yaml'),
});

async function startServer(): Promise<void> {
  output = '';
  const args = testServerArgs(d(), { config: d().config, nodeIp: node.ip, runtimeDir });
  server = spawn(node.prefix[0] ?? 'nsenter', [...node.prefix.slice(1), rfo, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  server.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  await untilReady(server, () => output);
}

const kubectl = (...args: string[]) => node.exec(join(d().data, 'bin', 'kubectl'), ['--kubeconfig', d().kubeconfig, ...args]);
const kubectlOk = async (...args: string[]) => {
  const r = await kubectl(...args);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const apply = async (obj: object) => {
  const r = await node.exec(join(d().data, 'bin', 'kubectl'), ['--kubeconfig', d().kubeconfig, 'apply', '-f', '-'], stringify(obj));
  assert.equal(r.code, 0, r.stderr);
};
const helm = (...args: string[]) => node.exec(join(d().data, 'bin', 'helm'), ['--kubeconfig', d().kubeconfig, ...args]);

interface Release {
  name: string;
  namespace: string;
  revision: string;
  status: string;
}
async function releases(): Promise<Release[]> {
  const r = await helm('ls', '-A', '--deployed', '--failed', '--pending', '--uninstalling', '-o', 'json');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Release[];
}
const release = async (name: string) => (await releases()).find((r) => r.name === name);

interface HelmChartStatus {
  status?: { jobName?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}
const chartStatus = async (name: string) => JSON.parse(await kubectlOk('-n', 'kube-system', 'get', 'helmchart', name, '-o', 'json')) as HelmChartStatus;

/** Events on a HelmChart: "<reason> <message>" lines (the job entry records what it did or why it failed). */
const chartEvents = async (name: string) =>
  kubectlOk('-n', 'kube-system', 'get', 'events', '--field-selector', `involvedObject.kind=HelmChart,involvedObject.name=${name}`, '-o', 'jsonpath={range .items[*]}{.reason} {.message}{"\\n"}{end}');

before(async () => {
  runtimeDir = (await findRuntime()).dir;
  root = await mkdtemp('/var/tmp/rfo-helm-');
  node = await createTestNode('rfo-helm', 43);
  await mkdir(join(d().data, 'agent', 'images'), { recursive: true });
  await writeBusyboxArchive(join(d().data, 'agent', 'images', 'busybox.tar.zst'));
  await writeFile(d().config, '');
  await startServer();
  // The chart repository: two charts, an index made by helm itself, served over HTTPS with its own CA.
  await mkdir(d().charts, { recursive: true });
  await makeChart(join(d().data, 'bin', 'helm'), d().charts, 'greet', '0.1.0');
  await makeChart(join(d().data, 'bin', 'helm'), d().charts, 'hooked', '0.1.0');
  const index = await run({ cmd: join(d().data, 'bin', 'helm'), args: ['repo', 'index', d().charts, '--url', `https://${node.ip}:${repoPort}`] });
  assert.equal(index.code, 0, index.stderr);
  const tls = await makeRepoTls(node, root);
  repo = await serveRepo(node, d().charts, tls, repoPort);
  // The same charts behind basic auth (their index names the other port, so a second index).
  const privateDir = join(root, 'private-charts');
  await mkdir(privateDir, { recursive: true });
  await writeFile(join(privateDir, 'greet-0.1.0.tgz'), await readFile(join(d().charts, 'greet-0.1.0.tgz')));
  const privateIndex = await run({ cmd: join(d().data, 'bin', 'helm'), args: ['repo', 'index', privateDir, '--url', `https://${node.ip}:${privatePort}`] });
  assert.equal(privateIndex.code, 0, privateIndex.stderr);
  privateRepo = await serveRepo(node, privateDir, tls, privatePort, { user: 'reader', password: repoPassword });
});

after(async () => {
  repo?.kill();
  privateRepo?.kill();
  await stopProcess(server);
  if (node) {
    await node.exec(rfo, killallArgs(d()));
    await node.destroy();
  }
  if (root) await rm(root, { recursive: true, force: true });
});

test('CoreDNS is the packaged chart rfo-coredns, installed by a job of our image as uid 1000 with a read-only root', { timeout: 120_000 }, async () => {
  const coredns = await release('rfo-coredns');
  assert.equal(coredns?.status, 'deployed', JSON.stringify(await releases()));
  assert.equal(coredns?.namespace, 'kube-system');
  // the release is deployed a moment before the job controller counts the pod as succeeded
  await eventually('the rfo-coredns job to complete', async () => (await kubectlOk('-n', 'kube-system', 'get', 'job', 'helm-install-rfo-coredns', '-o', 'jsonpath={.status.succeeded}')).trim() === '1', 60_000, 500);
  const job = JSON.parse(await kubectlOk('-n', 'kube-system', 'get', 'job', 'helm-install-rfo-coredns', '-o', 'json')) as {
    spec: { template: { spec: { containers: { image: string; securityContext?: { readOnlyRootFilesystem?: boolean } }[]; securityContext?: { runAsNonRoot?: boolean } } } };
    status: { succeeded?: number };
  };
  const pod = job.spec.template.spec;
  assert.equal(pod.containers[0]?.image, `docker.io/rfo/klipper-helm:${components.helm.version}`);
  assert.equal(pod.containers[0]?.securityContext?.readOnlyRootFilesystem, true);
  assert.equal(pod.securityContext?.runAsNonRoot, true);
  assert.equal(job.status.succeeded, 1);
  // what the job did is on the HelmChart as an event
  assert.match(await chartEvents('rfo-coredns'), /Installed Installed release rfo-coredns in kube-system/);
  // runAsNonRoot and success: the kubelet ran it as the image's user, 1000 (it refuses uid 0)
  assert.match(await kubectlOk('-n', 'kube-system', 'get', 'deploy', 'coredns', '-o', 'jsonpath={.metadata.labels.app\\.kubernetes\\.io/managed-by}'), /^Helm$/);
  // helm-controller runs with its own identity, not admin
  assert.match(await readFile(join(d().data, 'server', 'cred', 'helm-controller.kubeconfig'), 'utf8'), /client-certificate-data/);
  const who = await node.exec(join(d().data, 'bin', 'kubectl'), ['--kubeconfig', join(d().data, 'server', 'cred', 'helm-controller.kubeconfig'), 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username} {.status.userInfo.groups}']);
  assert.match(who.stdout, /^system:rfo-helm-controller /);
  assert.doesNotMatch(who.stdout, /system:masters/);
});

test('a chart from an HTTPS repository with its own CA: set beats the HelmChartConfig, which beats valuesContent', { timeout: 240_000 }, async () => {
  await apply({
    apiVersion: 'helm.cattle.io/v1',
    kind: 'HelmChartConfig',
    metadata: { name: 'greet', namespace: 'kube-system' },
    spec: { valuesContent: 'greeting: from-config\nextra: from-config\n' },
  });
  await apply({
    apiVersion: 'helm.cattle.io/v1',
    kind: 'HelmChart',
    metadata: { name: 'greet', namespace: 'kube-system' },
    spec: {
      repo: `https://${node.ip}:${repoPort}`,
      repoCA: await readFile(join(root, 'ca.crt'), 'utf8'),
      chart: 'greet',
      version: '0.1.0',
      targetNamespace: 'monitoring',
      createNamespace: true,
      set: { greeting: 'from-set' },
      valuesContent: 'greeting: from-values-content\nextra: from-values-content\n',
    },
  });
  await eventually('release greet deployed', async () => (await release('greet'))?.status === 'deployed', 180_000, 2000).catch(async (err: unknown) => {
    assert.fail(`${String(err)}\n${await chartEvents('greet')}\n${(await kubectl('-n', 'kube-system', 'logs', 'job/helm-install-greet')).stdout}`);
  });
  assert.equal((await release('greet'))?.namespace, 'monitoring');
  const data = JSON.parse(await kubectlOk('-n', 'monitoring', 'get', 'configmap', 'greet-values', '-o', 'jsonpath={.data}')) as Record<string, string>;
  assert.deepEqual(data, { greeting: 'from-set', extra: 'from-config' });
});

test("a repository behind basic auth: authSecret's credentials reach it; the password is in no log", { timeout: 240_000 }, async () => {
  await kubectlOk('-n', 'kube-system', 'create', 'secret', 'generic', 'charts-auth', '--type=kubernetes.io/basic-auth', '--from-literal=username=reader', `--from-literal=password=${repoPassword}`);
  await apply({
    apiVersion: 'helm.cattle.io/v1',
    kind: 'HelmChart',
    metadata: { name: 'private', namespace: 'kube-system' },
    spec: { repo: `https://${node.ip}:${privatePort}`, repoCA: await readFile(join(root, 'ca.crt'), 'utf8'), chart: 'greet', version: '0.1.0', targetNamespace: 'default', authSecret: { name: 'charts-auth' } },
  });
  await eventually('release private deployed', async () => (await release('private'))?.status === 'deployed', 180_000, 2000).catch(async (err: unknown) => {
    assert.fail(`${String(err)}\n${await chartEvents('private')}`);
  });
  // deployed: the repository (401 without the credentials) was reached with them
  const log = await kubectlOk('-n', 'kube-system', 'logs', 'job/helm-install-private');
  assert.match(log, /"private" has been added to your repositories/);
  assert.ok(!log.includes(repoPassword), 'the password is not in the job log');
  assert.ok(!(await chartEvents('private')).includes(repoPassword), 'nor in the events');
});

test('a chart as chartContent; helm ls -A lists both releases', { timeout: 240_000 }, async () => {
  const tgz = await readFile(join(d().charts, 'greet-0.1.0.tgz'));
  await apply({
    apiVersion: 'helm.cattle.io/v1',
    kind: 'HelmChart',
    metadata: { name: 'inline', namespace: 'kube-system' },
    spec: { chartContent: tgz.toString('base64'), targetNamespace: 'default', valuesContent: 'greeting: inline\n' },
  });
  await eventually('release inline deployed', async () => (await release('inline'))?.status === 'deployed', 180_000, 2000);
  const ls = await helm('ls', '-A');
  assert.equal(ls.code, 0, ls.stderr);
  for (const name of ['greet', 'inline', 'private', 'rfo-coredns']) assert.match(ls.stdout, new RegExp(`^${name}\\s`, 'm'), ls.stdout);
  assert.equal((JSON.parse(await kubectlOk('get', 'configmap', 'inline-values', '-o', 'jsonpath={.data}')) as Record<string, string>).greeting, 'inline');
});

test('a HelmChartConfig on rfo-coredns upgrades the release to 2 replicas while CoreDNS keeps answering', { timeout: 300_000 }, async () => {
  const before = await release('rfo-coredns');
  let asked = 0;
  let failed = 0;
  let done = false;
  const prober = (async () => {
    while (!done) {
      const r = await node.exec('busybox', ['nslookup', 'kubernetes.default.svc.cluster.local', '10.43.0.10']);
      asked++;
      if (r.code !== 0 || !/10\.43\.0\.1\b/.test(r.stdout)) failed++;
      await new Promise((res) => setTimeout(res, 250));
    }
  })();
  await apply({ apiVersion: 'helm.cattle.io/v1', kind: 'HelmChartConfig', metadata: { name: 'rfo-coredns', namespace: 'kube-system' }, spec: { valuesContent: 'replicaCount: 2\n' } });
  await eventually('rfo-coredns upgraded', async () => Number((await release('rfo-coredns'))?.revision) > Number(before?.revision) && (await release('rfo-coredns'))?.status === 'deployed', 180_000, 2000);
  await eventually('2 CoreDNS pods ready', async () => (await kubectlOk('-n', 'kube-system', 'get', 'deploy', 'coredns', '-o', 'jsonpath={.status.readyReplicas}')).trim() === '2', 120_000, 1000);
  done = true;
  await prober;
  process.stderr.write(`DNS during the CoreDNS upgrade: ${asked - failed}/${asked} answered\n`);
  assert.ok(asked >= 4, `the prober asked ${asked} times`);
  assert.equal(failed, 0, `${failed} of ${asked} DNS queries failed during the upgrade`);
});

test('failure policies: a release whose hook failed is refused (abort), reinstalled (reinstall) or upgraded (retry)', { timeout: 600_000 }, async () => {
  const cases = [
    { policy: 'abort', want: 'failed' },
    { policy: 'reinstall', want: 'deployed' },
    { policy: 'retry', want: 'deployed' },
  ];
  const tgz = (await readFile(join(d().charts, 'hooked-0.1.0.tgz'))).toString('base64');
  for (const c of cases) {
    const name = `hooked-${c.policy}`;
    // First the hook fails: the release is failed. backOffLimit 0: the job stops at its first failure.
    await apply({ apiVersion: 'helm.cattle.io/v1', kind: 'HelmChart', metadata: { name, namespace: 'kube-system' }, spec: { chartContent: tgz, targetNamespace: 'default', failurePolicy: c.policy, backOffLimit: 0, set: { failHook: 'true' } } });
    await eventually(`${name} failed`, async () => (await release(name))?.status === 'failed', 180_000, 2000);
    const failedRevision = Number((await release(name))?.revision);
    // Then the cause is fixed: the next job meets a failed release and acts by the policy.
    await apply({ apiVersion: 'helm.cattle.io/v1', kind: 'HelmChart', metadata: { name, namespace: 'kube-system' }, spec: { chartContent: tgz, targetNamespace: 'default', failurePolicy: c.policy, backOffLimit: 0, set: { failHook: 'false' } } });
    if (c.policy === 'abort') {
      await eventually(`${name}: the job refuses`, async () => /InstallFailed .*failurePolicy is abort/.test(await chartEvents(name)), 180_000, 2000);
      assert.equal((await release(name))?.status, 'failed');
      assert.equal(Number((await release(name))?.revision), failedRevision, 'abort changes nothing');
      await eventually(`${name}: HelmChart status Failed`, async () => (await chartStatus(name)).status?.conditions?.some((x) => x.type === 'Failed' && x.status === 'True') === true, 120_000, 2000);
    } else {
      await eventually(`${name} ${c.want}`, async () => (await release(name))?.status === c.want, 180_000, 2000);
      const rev = Number((await release(name))?.revision);
      // reinstall: uninstall, then install anew (revision 1); retry: an upgrade on top of the failed
      // one (a job that restarted before the fix may have added a failed revision in between)
      if (c.policy === 'reinstall') assert.equal(rev, 1);
      else assert.ok(rev > failedRevision, `retry upgrades: revision ${rev} after ${failedRevision}`);
    }
  }
});

test('a broken chart reports its error on the HelmChart status and in events; bad base64 says so', { timeout: 300_000 }, async () => {
  await apply({ apiVersion: 'helm.cattle.io/v1', kind: 'HelmChart', metadata: { name: 'badb64', namespace: 'kube-system' }, spec: { chartContent: 'this is not base64!', backOffLimit: 0 } });
  await apply({ apiVersion: 'helm.cattle.io/v1', kind: 'HelmChart', metadata: { name: 'nochart', namespace: 'kube-system' }, spec: { repo: `https://${node.ip}:${repoPort}`, repoCA: await readFile(join(root, 'ca.crt'), 'utf8'), chart: 'does-not-exist', backOffLimit: 0 } });
  for (const [name, why] of [
    ['badb64', /chartContent of badb64 is not valid base64/],
    ['nochart', /does-not-exist/],
  ] as const) {
    await eventually(`${name} failed`, async () => (await chartStatus(name)).status?.conditions?.some((x) => x.type === 'Failed' && x.status === 'True') === true, 180_000, 2000);
    // the job's pod is gone once its retries are used up; the event on the HelmChart keeps why
    assert.match(await chartEvents(name), new RegExp(`InstallFailed .*${why.source}`));
    assert.equal(await release(name), undefined, 'nothing was installed');
  }
  const events = await kubectlOk('-n', 'kube-system', 'get', 'events', '-o', 'jsonpath={range .items[*]}{.involvedObject.name} {.reason} {.message}{"\\n"}{end}');
  assert.match(events, /helm-install-badb64 .*BackoffLimitExceeded/);
  // An unknown failurePolicy is refused by the API (the CRD's enum): nothing is created.
  const bad = await node.exec(join(d().data, 'bin', 'kubectl'), ['--kubeconfig', d().kubeconfig, 'apply', '-f', '-'], stringify({ apiVersion: 'helm.cattle.io/v1', kind: 'HelmChart', metadata: { name: 'badpolicy', namespace: 'kube-system' }, spec: { chart: 'x', failurePolicy: 'explode' } }));
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /failurePolicy.*Unsupported value: "explode"/);
  assert.equal((await kubectl('-n', 'kube-system', 'get', 'helmchart', 'badpolicy')).code, 1);
});

test('deleting a HelmChart uninstalls its release and objects', { timeout: 240_000 }, async () => {
  await kubectlOk('-n', 'kube-system', 'delete', 'helmchart', 'inline', '--wait=true', '--timeout=180s');
  assert.equal(await release('inline'), undefined);
  assert.match((await kubectl('get', 'configmap', 'inline-values')).stderr, /NotFound/);
  assert.equal((await release('greet'))?.status, 'deployed', 'other releases stay');
});

test('no reconcile loop: three rfo restarts run no new job and leave every revision as it was', { timeout: 600_000 }, async () => {
  const snapshot = async () => {
    const jobs = JSON.parse(await kubectlOk('-n', 'kube-system', 'get', 'jobs', '-o', 'json')) as { items: { metadata: { name: string; uid: string } }[] };
    return {
      revisions: Object.fromEntries((await releases()).map((r) => [r.name, r.revision])),
      jobs: Object.fromEntries(jobs.items.filter((j) => j.metadata.name.startsWith('helm-')).map((j) => [j.metadata.name, j.metadata.uid])),
    };
  };
  // Every HelmChart's job done first (Traefik's is written only once the Gateway API CRDs are
  // Established; a job still retrying would add a revision of its own during the restarts).
  await eventually('every helm job finished', () => helmJobsFinished(kubectlOk), 300_000, 2000);
  const before = await snapshot();
  for (let i = 0; i < 3; i++) {
    await stopProcess(server);
    await startServer();
  }
  // give the controller time to act if it were going to
  await new Promise((r) => setTimeout(r, 20_000));
  assert.deepEqual(await snapshot(), before);
});
