import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderCertMetrics } from './render-cert-metrics.ts';

test('one gauge series per certificate, sorted, notAfter in unix seconds, Prometheus text format 0.0.4', () => {
  const text = renderCertMetrics(
    [
      { name: 'serving-kube-apiserver.crt', notAfter: new Date('2027-12-05T16:00:00.999Z') },
      { name: 'client-admin.crt', notAfter: new Date('2027-12-05T16:00:00Z') },
    ],
    'server-1',
  );
  assert.equal(
    text,
    [
      '# HELP rfo_certificate_expiration_timestamp_seconds The time the certificate stops being valid (notAfter), in seconds since the epoch.',
      '# TYPE rfo_certificate_expiration_timestamp_seconds gauge',
      'rfo_certificate_expiration_timestamp_seconds{name="client-admin.crt",node="server-1"} 1828022400',
      'rfo_certificate_expiration_timestamp_seconds{name="serving-kube-apiserver.crt",node="server-1"} 1828022400',
      '',
    ].join('\n'),
  );
});

test('label values are escaped (backslash, quote, newline)', () => {
  const text = renderCertMetrics([{ name: 'a"b\\c\nd', notAfter: new Date(0) }], 'n');
  assert.match(text, /\{name="a\\"b\\\\c\\nd",node="n"\} 0\n$/);
});
