import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseListObjects, parseS3Error, parseUploadId, renderCompleteMultipart } from './parse-s3-xml.ts';

test('ListObjectsV2: keys, sizes, times, etags and the continuation token', () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>snaps/</Prefix>
<IsTruncated>true</IsTruncated><NextContinuationToken>tok&amp;1</NextContinuationToken>
<Contents><Key>snaps/etcd-snapshot-n1-1700000000</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>&quot;abc&quot;</ETag><Size>1234</Size></Contents>
<Contents><Key>snaps/a&amp;b.zip</Key><LastModified>2026-01-02T00:00:00Z</LastModified><ETag>"def-2"</ETag><Size>5</Size></Contents>
</ListBucketResult>`;
  const page = parseListObjects(xml);
  assert.deepEqual(page.objects, [
    { key: 'snaps/etcd-snapshot-n1-1700000000', size: 1234, lastModified: '2026-01-01T00:00:00.000Z', etag: 'abc' },
    { key: 'snaps/a&b.zip', size: 5, lastModified: '2026-01-02T00:00:00Z', etag: 'def-2' },
  ]);
  assert.equal(page.nextToken, 'tok&1');
  assert.equal(parseListObjects('<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>').nextToken, undefined);
});

test('upload ids, errors and the completion body', () => {
  assert.equal(parseUploadId('<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>u-1</UploadId></InitiateMultipartUploadResult>'), 'u-1');
  assert.throws(() => parseUploadId('<x/>'), /without an UploadId/);
  assert.deepEqual(parseS3Error('<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>'), { code: 'NoSuchBucket', message: 'The specified bucket does not exist' });
  assert.equal(parseS3Error(''), undefined);
  assert.match(renderCompleteMultipart(['e1', 'e2']), /<Part><PartNumber>1<\/PartNumber><ETag>"e1"<\/ETag><\/Part><Part><PartNumber>2<\/PartNumber><ETag>"e2"<\/ETag><\/Part>/);
});
