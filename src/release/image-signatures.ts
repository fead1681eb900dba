// Pure: the payload rfo signs for each image in the airgap archive — cosign's
// "simple signing" JSON naming the image reference and its manifest digest —
// so `cosign verify-blob --key rfo-release.pub` checks an image signature
// offline, tying every archived image to the release key.

export function imageSignaturePayload(ref: string, digest: string): string {
  return JSON.stringify({
    critical: { identity: { 'docker-reference': ref }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' },
    optional: null,
  });
}

export interface ImageSignature {
  readonly ref: string;
  readonly digest: string;
  /** base64 of the exact payload bytes signed. */
  readonly payload: string;
  readonly signature: string;
}
