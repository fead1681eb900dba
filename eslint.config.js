// Lint rules: typescript-eslint's recommended type-aware set, plus the
// layering rule that keeps pure modules free of I/O imports.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Layers, lowest first (README "Architecture"): a module may import its own
// layer and lower ones, never a higher one, so kube/ never reaches into
// roles/, and the supervisor never into the components it runs.
const layers = [
  ['util', 'paths', 'versions', 'config'],
  ['pki', 'images', 'render', 'host', 's3', 'charts'],
  ['supervisor', 'killall', 'kube', 'etcd', 'join', 'api', 'runtime', 'build', 'scan', 'secrets', 'cis'],
  ['components', 'lifecycle', 'addons'],
  ['roles'],
  ['cli', 'lab', 'verify', 'release'],
];
const layerRules = layers.slice(0, -1).map((folders, i) => {
  const higher = layers.slice(i + 1).flat();
  return {
    files: folders.map((f) => `src/${f}/**/*.ts`),
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: `^\\.\\./(${higher.join('|')})/`, message: `a lower layer (${folders.join(', ')}) imports a higher one; see README "Architecture"` }] },
      ],
    },
  };
});

const ioModules = ['node:fs', 'node:fs/promises', 'node:child_process', 'node:net', 'node:os', 'node:http', 'node:https'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'go/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use string-literal unions, not enums.' }],
    },
  },
  {
    // The functional core: plan/render/resolve/parse modules take facts as arguments.
    files: ['src/**/plan*.ts', 'src/**/render*.ts', 'src/**/resolve*.ts', 'src/**/parse*.ts', 'src/versions/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ioModules.map((name) => ({ name, message: 'Pure modules do no I/O; take the facts as arguments.' })) }] },
  },
  ...layerRules,
  {
    // node:test's test() returns a promise the runner itself awaits.
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
