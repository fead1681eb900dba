// Pure: which of kubelet's own rotated certificates (<kubelet-dir>/pki) to
// remove before it starts. kubelet prefers them to rfo's files, so a pair
// left from another cluster (a data dir wiped, the kubelet dir kept) or from
// another node name would make it authenticate with a certificate the
// apiserver rejects, or as another node, for good. Removed, kubelet starts
// from rfo's certificates again and rotates anew.

export interface RotatedCert {
  readonly file: string;
  /** Subject CN of its certificate; undefined when unreadable. */
  readonly commonName: string | undefined;
  /** For the client pair: signed by this cluster's client-ca. */
  readonly signedByClusterCa?: boolean;
}

export interface KubeletCertCleanup {
  readonly remove: readonly string[];
  readonly reason?: string;
}

export function planKubeletCertCleanup(nodeName: string, client: RotatedCert | undefined, server: RotatedCert | undefined): KubeletCertCleanup {
  const own = `system:node:${nodeName}`;
  const present = [client, server].filter((c): c is RotatedCert => c !== undefined);
  if (client && (client.commonName !== own || client.signedByClusterCa !== true)) {
    const reason = client.commonName !== own ? `kubelet's client certificate is for ${client.commonName ?? 'an unreadable subject'}, not ${own}` : "kubelet's client certificate was not issued by this cluster's client-ca";
    // The serving pair came from the same cluster and name: it goes too.
    return { remove: present.map((c) => c.file), reason };
  }
  if (server && server.commonName !== own) return { remove: [server.file], reason: `kubelet's serving certificate is for ${server.commonName ?? 'an unreadable subject'}, not ${own}` };
  return { remove: [] };
}
