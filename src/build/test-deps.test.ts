import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoImports, renderTestDepsFile } from './test-deps.ts';

const source = `package e2e

import (
	"flag"
	"github.com/onsi/ginkgo/v2"
	yaml "go.yaml.in/yaml/v2"
	// Never remove the line below
	// "github.com/onsi/ginkgo/v2"
	/* "commented/out" */
	_ "k8s.io/kubernetes/test/e2e/apps"
)

import "k8s.io/klog/v2"
`;

test('parseGoImports reads blocks, aliases and single imports, not comments', () => {
  assert.deepEqual(parseGoImports(source), ['flag', 'github.com/onsi/ginkgo/v2', 'go.yaml.in/yaml/v2', 'k8s.io/klog/v2', 'k8s.io/kubernetes/test/e2e/apps']);
});

test('renderTestDepsFile drops the standard library and carries a build tag nothing sets', () => {
  const file = renderTestDepsFile('conformance', ['k8s.io/kubernetes/test/e2e'], parseGoImports(source));
  assert.match(file, /^\/\/go:build rfo_test_deps\n/);
  assert.match(file, /\t_ "k8s.io\/kubernetes\/test\/e2e\/apps"\n/);
  assert.doesNotMatch(file, /"flag"/);
  assert.match(file, /^package conformance$/m);
});

test('renderTestDepsFile names the package under test itself, so its own imports stay in go.sum', () => {
  const file = renderTestDepsFile('conformance', ['k8s.io/kubernetes/test/e2e'], ['k8s.io/kubernetes/test/e2e/apps']);
  assert.match(file, /\t_ "k8s.io\/kubernetes\/test\/e2e"\n/);
  assert.equal(file.match(/"k8s.io\/kubernetes\/test\/e2e"/g)?.length, 1);
});
