// Pure: the few S3 XML answers rfo reads (ListObjectsV2, multipart upload
// start, errors). S3's XML is flat and regular, so tag matching is enough and
// keeps rfo free of an XML dependency.

export interface S3Object {
  readonly key: string;
  readonly size: number;
  readonly lastModified: string;
  readonly etag: string;
}

export interface S3ListPage {
  readonly objects: readonly S3Object[];
  readonly nextToken: string | undefined;
}

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-fA-F]+);/g, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/g, '&');
}

function tag(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(xml);
  return m?.[1] === undefined ? undefined : unescapeXml(m[1]);
}

function blocks(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'g'))].map((m) => m[1] ?? '');
}

export function parseListObjects(xml: string): S3ListPage {
  const objects = blocks(xml, 'Contents').map((c) => ({
    key: tag(c, 'Key') ?? '',
    size: Number(tag(c, 'Size') ?? '0'),
    lastModified: tag(c, 'LastModified') ?? '',
    etag: (tag(c, 'ETag') ?? '').replace(/"/g, ''),
  }));
  const truncated = tag(xml, 'IsTruncated') === 'true';
  return { objects, nextToken: truncated ? tag(xml, 'NextContinuationToken') : undefined };
}

export function parseUploadId(xml: string): string {
  const id = tag(xml, 'UploadId');
  if (!id) throw new Error('the S3 server answered CreateMultipartUpload without an UploadId');
  return id;
}

export function parseS3Error(xml: string): { code: string; message: string } | undefined {
  if (!xml.includes('<Error')) return undefined;
  return { code: tag(xml, 'Code') ?? 'Unknown', message: tag(xml, 'Message') ?? '' };
}

export function renderCompleteMultipart(etags: readonly string[]): string {
  const parts = etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>"${e}"</ETag></Part>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts}</CompleteMultipartUpload>`;
}
