// Vectors: AWS's SigV4 test suite ("get-vanilla", "get-vanilla-query-order-key-case")
// and the S3 header-signing examples in the S3 API reference (GET Object with Range,
// PUT Object, GET ?lifecycle, ListObjects).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptySha256, signV4, uriEncode } from './sign-v4.ts';

const suite = { accessKey: 'AKIDEXAMPLE', secretKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', region: 'us-east-1', service: 'service', date: new Date('2015-08-30T12:36:00Z') };
const s3 = { accessKey: 'AKIAIOSFODNN7EXAMPLE', secretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', region: 'us-east-1', service: 's3', date: new Date('2013-05-24T00:00:00Z') };

test('AWS SigV4 test suite: get-vanilla', () => {
  const r = signV4({ ...suite, method: 'GET', path: '/', query: {}, headers: { Host: 'example.amazonaws.com', 'X-Amz-Date': '20150830T123600Z' }, payloadHash: emptySha256 });
  assert.equal(
    r.authorization,
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
  );
});

test('AWS SigV4 test suite: get-vanilla-query-order-key-case (query sorted by key)', () => {
  const r = signV4({ ...suite, method: 'GET', path: '/', query: { Param2: 'value2', Param1: 'value1' }, headers: { Host: 'example.amazonaws.com', 'X-Amz-Date': '20150830T123600Z' }, payloadHash: emptySha256 });
  assert.match(r.authorization, /Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500$/);
});

test('S3 reference example: GET Object with a Range header', () => {
  const r = signV4({
    ...s3,
    method: 'GET',
    path: '/test.txt',
    query: {},
    headers: { Host: 'examplebucket.s3.amazonaws.com', Range: 'bytes=0-9', 'x-amz-content-sha256': emptySha256, 'x-amz-date': '20130524T000000Z' },
    payloadHash: emptySha256,
  });
  assert.equal(
    r.authorization,
    'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
  );
});

test('S3 reference example: PUT Object', () => {
  const hash = '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072';
  const r = signV4({
    ...s3,
    method: 'PUT',
    path: `/${uriEncode('test$file.text')}`,
    query: {},
    headers: { Host: 'examplebucket.s3.amazonaws.com', Date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-date': '20130524T000000Z', 'x-amz-storage-class': 'REDUCED_REDUNDANCY', 'x-amz-content-sha256': hash },
    payloadHash: hash,
  });
  assert.match(r.authorization, /SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd$/);
});

test('S3 reference examples: GET bucket lifecycle and list objects (empty query values, sorting)', () => {
  const headers = { Host: 'examplebucket.s3.amazonaws.com', 'x-amz-date': '20130524T000000Z', 'x-amz-content-sha256': emptySha256 };
  const lifecycle = signV4({ ...s3, method: 'GET', path: '/', query: { lifecycle: '' }, headers, payloadHash: emptySha256 });
  assert.match(lifecycle.authorization, /Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543$/);
  const list = signV4({ ...s3, method: 'GET', path: '/', query: { 'max-keys': '2', prefix: 'J' }, headers, payloadHash: emptySha256 });
  assert.match(list.authorization, /Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7$/);
});

test('uriEncode keeps unreserved characters and, for paths, slashes', () => {
  assert.equal(uriEncode('a b/c~d*é'), 'a%20b%2Fc~d%2A%C3%A9');
  assert.equal(uriEncode('snap/etcd-snapshot-n1-1.zip', true), 'snap/etcd-snapshot-n1-1.zip');
});
