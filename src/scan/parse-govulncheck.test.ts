import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGovulncheck, splitJsonStream } from './parse-govulncheck.ts';

// The shape govulncheck -format json writes: pretty-printed objects back to back.
const stream = [
  { config: { scanner_name: 'govulncheck', scanner_version: 'v1.9.0', scan_mode: 'binary' } },
  { SBOM: { go_version: 'go1.26.8', modules: [{ path: 'golang.org/x/net', version: 'v0.49.0' }] } },
  { osv: { id: 'GO-2026-6866', modified: '0001-01-01T00:00:00Z', aliases: ['CVE-2026-1'], summary: 'html "{" raw text', affected: [{ package: { name: 'golang.org/x/net' } }] } },
  { osv: { id: 'GO-2026-5426', modified: '0001-01-01T00:00:00Z', summary: 'kenv', affected: [{ package: { name: 'go.opentelemetry.io/otel/sdk' } }] } },
  { osv: { id: 'GO-2026-0001', modified: '0001-01-01T00:00:00Z', summary: 'unused', affected: [{ package: { name: 'golang.org/x/net' } }] } },
  { finding: { osv: 'GO-2026-6866', fixed_version: 'v0.62.0', trace: [{ module: 'golang.org/x/net', version: 'v0.49.0' }] } },
  { finding: { osv: 'GO-2026-6866', fixed_version: 'v0.62.0', trace: [{ module: 'golang.org/x/net', version: 'v0.49.0', package: 'golang.org/x/net/html', function: 'Render' }] } },
  { finding: { osv: 'GO-2026-6866', fixed_version: 'v0.62.0', trace: [{ module: 'golang.org/x/net', version: 'v0.49.0', package: 'golang.org/x/net/html', function: 'Write', receiver: '*Tokenizer' }] } },
  // binary mode attributes otel/sdk's package to the otel module and drops the fix there
  { finding: { osv: 'GO-2026-5426', fixed_version: 'v1.43.0', trace: [{ module: 'go.opentelemetry.io/otel/sdk', version: 'v1.40.0' }] } },
  { finding: { osv: 'GO-2026-5426', trace: [{ module: 'go.opentelemetry.io/otel', version: 'v1.41.0', package: 'go.opentelemetry.io/otel/sdk/resource', function: 'New' }] } },
  { finding: { osv: 'GO-2026-0001', fixed_version: 'v0.50.0', trace: [{ module: 'golang.org/x/net', version: 'v0.49.0', package: 'golang.org/x/net/idna' }] } },
]
  .map((m) => JSON.stringify(m, null, 2))
  .join('\n');

test('a stream of pretty-printed objects splits into messages, braces in strings included', () => {
  assert.equal(splitJsonStream(stream).length, 11);
  assert.throws(() => splitJsonStream('{"a": {'), /truncated/);
});

test('one finding per advisory: reachable when a trace names a function, symbols listed', () => {
  const r = parseGovulncheck(stream);
  assert.equal(r.scannerVersion, 'v1.9.0');
  assert.equal(r.goVersion, 'go1.26.8');
  const html = r.findings.find((f) => f.id === 'GO-2026-6866');
  assert.ok(html);
  assert.equal(html.reachable, true);
  assert.deepEqual(html.symbols, ['golang.org/x/net/html.Render', 'golang.org/x/net/html.Tokenizer.Write']);
  assert.deepEqual([html.module, html.foundVersion, html.fixedVersion], ['golang.org/x/net', 'v0.49.0', 'v0.62.0']);
  assert.deepEqual(html.aliases, ['CVE-2026-1']);
  const idna = r.findings.find((f) => f.id === 'GO-2026-0001');
  assert.equal(idna?.reachable, false, 'a package-level finding is linked, not reachable');
  assert.deepEqual(idna?.packages, ['golang.org/x/net/idna']);
});

test('a finding attributed to a parent module keeps the advisory module and its fix', () => {
  const otel = parseGovulncheck(stream).findings.find((f) => f.id === 'GO-2026-5426');
  assert.deepEqual([otel?.module, otel?.foundVersion, otel?.fixedVersion, otel?.reachable], ['go.opentelemetry.io/otel/sdk', 'v1.40.0', 'v1.43.0', true]);
});
