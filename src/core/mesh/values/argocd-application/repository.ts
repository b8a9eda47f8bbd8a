// Whether an Argo CD `repoURL` is this repository: compared by host and path, whatever the scheme.

/** `git@github.com:org/repo.git`, `https://github.com/org/repo` -> `github.com/org/repo`. */
function normaliseRepoUrl(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/^[a-z+]+:\/\//, '')
    .replace(/^[^@/]+@/, '')
    .replace(/^([^/:]+):(?!\d)/, '$1/')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
}

export function isThisRepository(
  url: string | undefined,
  repositoryUrls: readonly string[] | undefined,
): boolean {
  if (!url || !repositoryUrls) return false;
  const wanted = normaliseRepoUrl(url);
  return repositoryUrls.some((known) => normaliseRepoUrl(known) === wanted);
}
