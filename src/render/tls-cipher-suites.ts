// The TLS cipher suites the cis profile gives kube-apiserver and kubelet:
// RKE2's list (the ECDHE AEAD suites of TLS 1.2; TLS 1.3 suites are not
// configurable in Go and are all strong), which CIS 1.2.29 and 4.2.12 accept.

export const strongTlsCipherSuites: readonly string[] = [
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
];

/** Every suite the CIS benchmark (1.2.29) counts as strong; a configured list must stay within it. */
export const cisAcceptedCipherSuites: readonly string[] = [
  ...strongTlsCipherSuites,
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_RSA_WITH_AES_128_GCM_SHA256',
];
