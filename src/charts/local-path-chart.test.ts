import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { defaultStoragePath, localPathChart } from './local-path-chart.ts';

const chart = localPathChart({ image: 'docker.io/rancher/local-path-provisioner:v0.0.37', helperImage: 'docker.io/rfo/busybox:1.35.0-4-deb12u1-b1', version: 'v0.0.37' });
const file = (path: string) => chart.files.find((f) => f.path === path)?.content ?? assert.fail(`no ${path}`);

test('rfo-local-path: the default StorageClass local-path, volumes under rfo\'s data dir, our busybox as the helper', () => {
  assert.equal(chart.name, 'rfo-local-path');
  assert.equal(chart.version, '0.0.37');
  const values = parse(file('values.yaml')) as {
    storagePath: string;
    storageClass: { name: string; defaultClass: boolean; reclaimPolicy: string; volumeBindingMode: string };
    image: unknown;
    helperImage: unknown;
    setup: string;
  };
  assert.equal(values.storagePath, defaultStoragePath);
  assert.equal(defaultStoragePath, '/var/lib/rancher/rfo/storage');
  assert.deepEqual(values.storageClass, { name: 'local-path', defaultClass: true, reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer', defaultVolumeType: 'hostPath' });
  assert.deepEqual(values.image, { repository: 'docker.io/rancher/local-path-provisioner', tag: 'v0.0.37', pullPolicy: 'IfNotPresent' });
  assert.deepEqual(values.helperImage, { repository: 'docker.io/rfo/busybox', tag: '1.35.0-4-deb12u1-b1' });
  // K3s' setup: the storage directory itself is 0700
  assert.match(values.setup, /mkdir -m 0777 -p "\$\{VOL_DIR\}"\nchmod 700 "\$\{VOL_DIR\}\/\.\."/);
});

test('rfo-local-path: the StorageClass is annotated default from the value, and the config maps every other node to storagePath', () => {
  assert.match(file('templates/storageclass.yaml'), /storageclass\.kubernetes\.io\/is-default-class: \{\{ \.defaultClass \| quote \}\}/);
  assert.match(file('templates/storageclass.yaml'), /provisioner: rancher\.io\/local-path/);
  const cm = file('templates/configmap.yaml');
  assert.match(cm, /"DEFAULT_PATH_FOR_NON_LISTED_NODES" "paths" \(list \.Values\.storagePath\)/);
  assert.match(cm, /fail "storagePath:/);
  const deployment = file('templates/deployment.yaml');
  assert.match(deployment, /- --helper-image\n\s+- "\{\{ \.Values\.helperImage\.repository \}\}:\{\{ \.Values\.helperImage\.tag \}\}"/);
  assert.match(deployment, /readOnlyRootFilesystem: true/);
  assert.match(deployment, /type: Recreate/, 'never two provisioners (no leader election)');
});
