// Pure: `rfo certificate <check|rotate|rotate-ca> [flags]`: the subcommand,
// the flags for resolveConfig, and rotate-ca's --server. --server is taken
// here, not from the flag table: there `server` is the join URL of
// config.yaml (a joined server's config names another server), while
// rotate-ca talks to this node's own supervisor unless told otherwise.

export type CertificateVerb = 'check' | 'rotate' | 'rotate-ca';

const verbs: readonly CertificateVerb[] = ['check', 'rotate', 'rotate-ca'];

export interface CertificateArgs {
  readonly verb: CertificateVerb | undefined;
  /** The first argument when it is not a subcommand (for the error message). */
  readonly other?: string;
  readonly flags: readonly string[];
  readonly server?: string;
}

export function parseCertificateArgs(args: readonly string[]): CertificateArgs {
  const [first = '', ...rest] = args;
  const verb = verbs.find((v) => v === first);
  const input = verb ? rest : args;
  const flags: string[] = [];
  let server: string | undefined;
  for (let i = 0; i < input.length; i++) {
    const a = input[i] ?? '';
    if (a === '--server') server = input[++i] ?? '';
    else if (a.startsWith('--server=')) server = a.slice('--server='.length);
    else flags.push(a);
  }
  return { verb, ...(!verb && first && !first.startsWith('-') ? { other: first } : {}), flags, ...(server !== undefined ? { server } : {}) };
}
