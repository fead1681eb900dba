// rfo's S3 client: signed requests over node:http(s) with the endpoint CA,
// every request retried with exponential backoff inside the configured
// timeout, multipart uploads for large files, and uploads verified against the
// size and ETag (md5) the server reports. Payload sha256 is signed, so the
// server itself rejects a body that changed on the way.

import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { nextDelayMs } from '../util/backoff.ts';
import { emptySha256, signV4, uriEncode, amzDate } from './sign-v4.ts';
import { parseListObjects, parseS3Error, parseUploadId, renderCompleteMultipart } from './parse-s3-xml.ts';
import type { S3Object } from './parse-s3-xml.ts';
import { expectedEtag } from './resolve-s3-config.ts';
import type { S3Config } from './resolve-s3-config.ts';

/** Files above this go up in parts of this size (S3 allows 10,000 parts of 5 MiB–5 GiB). */
export const multipartPartSize = 64 * 1024 * 1024;
const retryPolicy = { initialMs: 500, maxMs: 8_000, stableMs: Number.POSITIVE_INFINITY };
const maxAttempts = 6;

export class S3Error extends Error {
  readonly status: number;
  readonly s3Code: string;
  constructor(message: string, status: number, s3Code: string) {
    super(message);
    this.status = status;
    this.s3Code = s3Code;
  }
}

interface Req {
  readonly method: 'GET' | 'PUT' | 'POST' | 'HEAD' | 'DELETE';
  readonly key?: string;
  readonly query?: Record<string, string>;
  readonly body?: Buffer;
  readonly headers?: Record<string, string>;
  /** Stream the response here instead of buffering it. */
  readonly toFile?: string;
}

interface Res {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface UploadResult {
  readonly size: number;
  readonly etag: string;
  readonly parts: number;
  readonly attempts: number;
}

export interface S3Client {
  readonly config: S3Config;
  bucketExists(): Promise<boolean>;
  createBucket(): Promise<void>;
  upload(key: string, file: string, metadata?: Record<string, string>): Promise<UploadResult>;
  head(key: string): Promise<{ size: number; etag: string; metadata: Record<string, string> } | undefined>;
  download(key: string, file: string): Promise<void>;
  list(prefix: string): Promise<S3Object[]>;
  remove(key: string): Promise<void>;
}

const retryable = (err: unknown) => !(err instanceof S3Error) || err.status >= 500 || err.status === 408 || err.status === 429;

export async function createS3Client(config: S3Config, log: (m: string) => void = () => {}): Promise<S3Client> {
  const ca = config.endpointCaFile ? await readFile(config.endpointCaFile, 'utf8') : undefined;
  const hostHeader = (config.tls ? config.port === 443 : config.port === 80) ? config.host : `${config.host}:${config.port}`;

  function target(key: string | undefined): { host: string; path: string } {
    const k = key === undefined ? '' : uriEncode(key, true);
    if (config.lookup === 'dns') return { host: `${config.bucket}.${hostHeader}`, path: `/${k}` };
    return { host: hostHeader, path: `/${config.bucket}${key === undefined ? '' : `/${k}`}` };
  }

  function once(r: Req, deadline: number): Promise<Res> {
    const { host, path } = target(r.key);
    const payloadHash = r.body ? createHash('sha256').update(r.body).digest('hex') : emptySha256;
    const now = new Date();
    const headers: Record<string, string> = { host, 'x-amz-date': amzDate(now), 'x-amz-content-sha256': payloadHash, ...(r.headers ?? {}) };
    if (r.body) headers['content-length'] = String(r.body.length);
    const signed = signV4({ method: r.method, path, query: r.query ?? {}, headers, payloadHash, region: config.region, service: 's3', accessKey: config.accessKey, secretKey: config.secretKey, date: now });
    const qs = Object.entries(r.query ?? {})
      .map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`)
      .join('&');
    const timeout = Math.max(1, deadline - Date.now());
    return new Promise<Res>((resolve, reject) => {
      const options = {
        host: config.host.replace(/^\[|\]$/g, ''),
        port: config.port,
        method: r.method,
        path: qs ? `${path}?${qs}` : path,
        headers: { ...headers, authorization: signed.authorization },
        timeout,
        ...(config.tls ? { servername: /^[\d.]+$|:/.test(config.host) ? undefined : host.split(':')[0], ca, rejectUnauthorized: !config.skipSslVerify } : {}),
      };
      const req = (config.tls ? httpsRequest : httpRequest)(options, (res) => {
        const status = res.statusCode ?? 0;
        if (r.toFile && status === 200) {
          pipeline(res, createWriteStream(r.toFile, { mode: 0o600 })).then(() => resolve({ status, headers: res.headers, body: '' }), reject);
          return;
        }
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status, headers: res.headers, body }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer from ${config.endpoint} within the S3 timeout`)));
      req.on('error', reject);
      req.end(r.body);
    }).then((res) => {
      if (res.status >= 300 && !(r.method === 'HEAD' && res.status === 404)) {
        const e = parseS3Error(res.body);
        throw new S3Error(`S3 ${r.method} ${r.key ?? `bucket ${config.bucket}`}: ${res.status} ${e ? `${e.code}: ${e.message}` : res.body.slice(0, 200)}`.trim(), res.status, e?.code ?? '');
      }
      return res;
    });
  }

  /** One request with retries; the whole operation shares one deadline (etcd-s3-timeout). */
  async function send(r: Req, deadline: number, counter?: { attempts: number }): Promise<Res> {
    for (let attempt = 1; ; attempt++) {
      if (counter) counter.attempts++;
      try {
        return await once(r, deadline);
      } catch (err) {
        const { delayMs } = nextDelayMs(retryPolicy, attempt, 0);
        if (!retryable(err) || attempt >= maxAttempts || Date.now() + delayMs >= deadline) {
          throw err instanceof Error ? new S3Error(`${err.message}${attempt > 1 ? ` (after ${attempt} attempts)` : ''}`, err instanceof S3Error ? err.status : 0, err instanceof S3Error ? err.s3Code : 'NetworkError') : err;
        }
        log(`S3 ${r.method} ${r.key ?? ''}: ${(err as Error).message}; retry ${attempt} in ${delayMs} ms`);
        await new Promise((res) => setTimeout(res, delayMs));
      }
    }
  }

  const deadline = () => Date.now() + config.timeoutMs;
  const md5 = (b: Buffer) => createHash('md5').update(b).digest();

  return {
    config,
    async bucketExists() {
      const r = await send({ method: 'HEAD' }, deadline());
      return r.status === 200;
    },
    async createBucket() {
      await send({ method: 'PUT' }, deadline());
    },
    async upload(key, file, metadata = {}) {
      const size = (await stat(file)).size;
      const meta = Object.fromEntries(Object.entries(metadata).map(([k, v]) => [`x-amz-meta-${k}`, v]));
      const end = deadline();
      const counter = { attempts: 0 };
      const fh = await open(file, 'r');
      try {
        const readPart = async (offset: number, length: number) => {
          const buf = Buffer.alloc(length);
          const { bytesRead } = await fh.read(buf, 0, length, offset);
          if (bytesRead !== length) throw new Error(`${file} changed while uploading`);
          return buf;
        };
        const partMd5s: Buffer[] = [];
        let etag: string;
        if (size <= multipartPartSize) {
          const body = await readPart(0, size);
          partMd5s.push(md5(body));
          const r = await send({ method: 'PUT', key, body, headers: { 'content-type': 'application/octet-stream', ...meta } }, end, counter);
          etag = String(r.headers.etag ?? '').replace(/"/g, '');
        } else {
          const init = await send({ method: 'POST', key, query: { uploads: '' }, headers: { 'content-type': 'application/octet-stream', ...meta } }, end, counter);
          const uploadId = parseUploadId(init.body);
          try {
            const etags: string[] = [];
            for (let offset = 0, n = 1; offset < size; offset += multipartPartSize, n++) {
              const body = await readPart(offset, Math.min(multipartPartSize, size - offset));
              partMd5s.push(md5(body));
              const r = await send({ method: 'PUT', key, query: { partNumber: String(n), uploadId }, body }, end, counter);
              etags.push(String(r.headers.etag ?? '').replace(/"/g, ''));
            }
            const done = await send({ method: 'POST', key, query: { uploadId }, body: Buffer.from(renderCompleteMultipart(etags)) }, end, counter);
            // S3 may answer 200 with an error body when completion fails late.
            const e = parseS3Error(done.body);
            if (e) throw new S3Error(`S3 complete multipart ${key}: ${e.code}: ${e.message}`, 200, e.code);
            etag = (/<ETag>(?:&quot;|")?([^<"&]+)/.exec(done.body)?.[1] ?? '').trim();
          } catch (err) {
            await send({ method: 'DELETE', key, query: { uploadId } }, deadline()).catch(() => undefined);
            throw err;
          }
        }
        // Verify: the stored object has our size, and its ETag is the md5 we computed
        // (servers that encrypt objects report other ETags; then size is all we can check).
        const h = await send({ method: 'HEAD', key }, end, counter);
        const storedSize = Number(h.headers['content-length'] ?? -1);
        const storedEtag = String(h.headers.etag ?? etag).replace(/"/g, '');
        if (storedSize !== size) throw new S3Error(`S3 upload of ${key} verification failed: stored ${storedSize} bytes, sent ${size}`, 0, 'VerifyFailed');
        const want = expectedEtag(partMd5s, md5, size > multipartPartSize);
        if (/^[0-9a-f]{32}(-\d+)?$/.test(storedEtag) && storedEtag !== want) {
          throw new S3Error(`S3 upload of ${key} verification failed: ETag ${storedEtag}, expected ${want}`, 0, 'VerifyFailed');
        }
        return { size, etag: storedEtag, parts: partMd5s.length, attempts: counter.attempts };
      } finally {
        await fh.close();
      }
    },
    async head(key) {
      const r = await send({ method: 'HEAD', key }, deadline());
      if (r.status === 404) return undefined;
      const metadata: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.headers)) if (k.startsWith('x-amz-meta-') && typeof v === 'string') metadata[k.slice(11)] = v;
      return { size: Number(r.headers['content-length'] ?? 0), etag: String(r.headers.etag ?? '').replace(/"/g, ''), metadata };
    },
    async download(key, file) {
      const tmp = join(dirname(file), `.${basename(file)}.download-${process.pid}`);
      try {
        await send({ method: 'GET', key, toFile: tmp }, deadline());
        await rename(tmp, file);
      } finally {
        await rm(tmp, { force: true });
      }
    },
    async list(prefix) {
      const out: S3Object[] = [];
      let token: string | undefined;
      do {
        const query: Record<string, string> = { 'list-type': '2', prefix };
        if (token) query['continuation-token'] = token;
        const page = parseListObjects((await send({ method: 'GET', query }, deadline())).body);
        out.push(...page.objects);
        token = page.nextToken;
      } while (token);
      return out;
    },
    async remove(key) {
      await send({ method: 'DELETE', key }, deadline());
    },
  };
}
