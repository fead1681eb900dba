import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { expectedEtag, objectKey, parseDuration, resolveS3Config } from './resolve-s3-config.ts';

const base = { 'etcd-s3': true, 'etcd-s3-bucket': 'snaps', 'etcd-s3-endpoint': 's3.amazonaws.com', 'etcd-s3-timeout': '5m0s' };

test('off unless etcd-s3; a bucket is required', () => {
  assert.equal(resolveS3Config({}), undefined);
  assert.throws(() => resolveS3Config({ 'etcd-s3': true }), /etcd-s3-bucket/);
});

test('endpoint, TLS, port and bucket lookup', () => {
  const aws = resolveS3Config(base);
  assert.equal(aws?.lookup, 'dns');
  assert.equal(aws?.port, 443);
  assert.equal(aws?.tls, true);
  const local = resolveS3Config({ ...base, 'etcd-s3-endpoint': '127.0.0.1:9000', 'etcd-s3-insecure': true, 'etcd-s3-folder': '/a/b/' });
  assert.deepEqual([local?.host, local?.port, local?.tls, local?.lookup, local?.folder], ['127.0.0.1', 9000, false, 'path', 'a/b']);
  assert.equal(resolveS3Config({ ...base, 'etcd-s3-endpoint': 'https://minio.local:9000/' })?.tls, true);
  assert.equal(resolveS3Config({ ...base, 'etcd-s3-bucket-lookup-type': 'path' })?.lookup, 'path');
  assert.throws(() => resolveS3Config({ ...base, 'etcd-s3-bucket-lookup-type': 'virtual' }), /must be auto, dns or path/);
  assert.throws(() => resolveS3Config({ ...base, 'etcd-s3-endpoint': 'a b:x' }), /is not host\[:port\]/);
});

test('Go durations', () => {
  assert.equal(parseDuration('5m0s'), 300_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.throws(() => parseDuration('5 minutes'), /not a duration/);
  assert.throws(() => resolveS3Config({ ...base, 'etcd-s3-timeout': 'soon' }), /not a duration/);
});

test('object keys and expected ETags', () => {
  assert.equal(objectKey({ folder: '' }, 'f'), 'f');
  assert.equal(objectKey({ folder: 'x/y' }, 'f'), 'x/y/f');
  const md5 = (b: Buffer) => createHash('md5').update(b).digest();
  assert.equal(expectedEtag([md5(Buffer.from('hello'))], md5, false), '5d41402abc4b2a76b9719d911017c592');
  const parts = [md5(Buffer.from('a')), md5(Buffer.from('b'))];
  assert.equal(expectedEtag(parts, md5, true), `${md5(Buffer.concat(parts)).toString('hex')}-2`);
});
