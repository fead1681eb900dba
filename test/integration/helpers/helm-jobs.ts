// The add-ons' helm jobs (helm-install-*, helm-delete-*) in kube-system.
// Traefik's job is written last (once the Gateway API CRDs are Established),
// so "every job finished" means nothing more is coming: tests that compare
// revisions or pod processes across restarts wait for it first.

type Job = { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } };

/** Every helm job Complete or Failed, Traefik's among them; `kubectlOk` returns kubectl's stdout. */
export async function helmJobsFinished(kubectlOk: (...args: string[]) => Promise<string>): Promise<boolean> {
  const jobs = JSON.parse(await kubectlOk('-n', 'kube-system', 'get', 'jobs', '-o', 'json')) as { items: Job[] };
  const helmJobs = jobs.items.filter((j) => j.metadata.name.startsWith('helm-'));
  const finished = (j: Job) => j.status?.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') === true;
  return helmJobs.some((j) => j.metadata.name === 'helm-install-rfo-traefik') && helmJobs.every(finished);
}
