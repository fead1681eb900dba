import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMountPoints, removableMountPoints } from './plan-mount-points.ts';

test('parseMountPoints reads field 5 of mountinfo and decodes the octal escapes', () => {
  const text = [
    '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
    '611 22 254:0 /var/tmp/rfo-x/lab/s1/var-lib-rancher /var/lib/rancher rw,relatime - ext4 /dev/vda rw',
    '612 22 0:52 / /run rw,nosuid,nodev - tmpfs tmpfs rw,mode=755',
    '613 22 254:0 /d /mnt/with\\040space rw - ext4 /dev/vda rw',
    '',
  ].join('\n');
  assert.deepEqual(parseMountPoints(text), ['/', '/var/lib/rancher', '/run', '/mnt/with space']);
});

test('a mount point another namespace mounts on (or below) stays; the others go, deepest first', () => {
  const created = ['/var/lib', '/var/lib/rancher', '/etc/rancher', '/var/lib/kubelet', '/var/lib/rancher'];
  const elsewhere = new Set(['/', '/run', '/var/lib/rancher', '/var/lib/kubelet/pods/x/volumes/y']);
  // /var/lib holds mounts of another lab's nodes below it: it stays too.
  assert.deepEqual(removableMountPoints(created, elsewhere), ['/etc/rancher']);
  assert.deepEqual(removableMountPoints(created, new Set(['/'])), ['/var/lib/kubelet', '/var/lib/rancher', '/etc/rancher', '/var/lib']);
});
