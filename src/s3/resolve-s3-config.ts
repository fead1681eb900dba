// Pure: S3 settings from the etcd-s3-* options (RKE2's names), checked up
// front so a bad endpoint or timeout fails before a snapshot is taken.

export type BucketLookup = 'dns' | 'path';

export interface S3Config {
  readonly endpoint: string;
  /** host[:port] the requests go to, as sent in the Host header. */
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly endpointCaFile: string | undefined;
  readonly skipSslVerify: boolean;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly bucket: string;
  readonly region: string;
  /** Key prefix without leading/trailing slashes; '' for the bucket root. */
  readonly folder: string;
  readonly lookup: BucketLookup;
  readonly timeoutMs: number;
  readonly retention: number;
}

/** Go's time.Duration text: 300ms, 30s, 5m0s, 1h30m. */
export function parseDuration(text: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  if (!/^(\d+(?:\.\d+)?(ms|s|m|h))+$/.test(text)) throw new Error(`"${text}" is not a duration like 30s or 5m0s`);
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let ms = 0;
  for (const m of text.matchAll(re)) ms += Number(m[1]) * (unit[m[2] ?? 's'] ?? 1000);
  return ms;
}

type Values = Readonly<Record<string, unknown>>;
const s = (v: unknown) => (typeof v === 'string' ? v : '');

/** Undefined when etcd-s3 is off; throws an Error naming the option otherwise. */
export function resolveS3Config(values: Values): S3Config | undefined {
  if (values['etcd-s3'] !== true) return undefined;
  const bucket = s(values['etcd-s3-bucket']);
  if (!bucket) throw new Error('etcd-s3-bucket (--s3-bucket) is required with etcd-s3');
  const insecure = values['etcd-s3-insecure'] === true;
  let endpoint = s(values['etcd-s3-endpoint']) || 's3.amazonaws.com';
  const scheme = /^(https?):\/\//.exec(endpoint);
  // RKE2 takes a bare host[:port]; a scheme in the value is accepted and decides TLS.
  const tls = scheme ? scheme[1] === 'https' : !insecure;
  endpoint = endpoint.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  const m = /^(\[[^\]]+\]|[^:/]+)(?::(\d+))?$/.exec(endpoint);
  if (!m?.[1]) throw new Error(`etcd-s3-endpoint "${endpoint}" is not host[:port]`);
  const port = m[2] ? Number(m[2]) : tls ? 443 : 80;
  const lookupRaw = s(values['etcd-s3-bucket-lookup-type']) || 'auto';
  if (!['auto', 'dns', 'path'].includes(lookupRaw)) throw new Error(`etcd-s3-bucket-lookup-type "${lookupRaw}" must be auto, dns or path`);
  // auto: virtual-host style for AWS (and names that are valid DNS labels), path style elsewhere, as minio-go does.
  const lookup: BucketLookup = lookupRaw === 'auto' ? (/amazonaws\.com$/.test(m[1]) && /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket) ? 'dns' : 'path') : (lookupRaw as BucketLookup);
  const timeoutMs = parseDuration(s(values['etcd-s3-timeout']) || '5m0s');
  if (timeoutMs <= 0) throw new Error('etcd-s3-timeout must be positive');
  return {
    endpoint,
    host: m[1],
    port,
    tls,
    endpointCaFile: s(values['etcd-s3-endpoint-ca']) || undefined,
    skipSslVerify: values['etcd-s3-skip-ssl-verify'] === true,
    accessKey: s(values['etcd-s3-access-key']),
    secretKey: s(values['etcd-s3-secret-key']),
    bucket,
    region: s(values['etcd-s3-region']) || 'us-east-1',
    folder: s(values['etcd-s3-folder']).replace(/^\/+|\/+$/g, ''),
    lookup,
    timeoutMs,
    retention: typeof values['etcd-s3-retention'] === 'number' ? values['etcd-s3-retention'] : 5,
  };
}

/** The object key of a snapshot file in the configured folder. */
export function objectKey(c: Pick<S3Config, 'folder'>, file: string): string {
  return c.folder ? `${c.folder}/${file}` : file;
}

/** The ETag S3 reports for an upload: md5 of the body, or md5 of the part md5s plus "-N" for multipart. */
export function expectedEtag(partMd5s: readonly Buffer[], md5: (data: Buffer) => Buffer, multipart: boolean): string {
  if (!multipart) return (partMd5s[0] ?? Buffer.alloc(0)).toString('hex');
  return `${md5(Buffer.concat([...partMd5s])).toString('hex')}-${partMd5s.length}`;
}
