// The files a pull request changes, every page of them.
import { explainGitHubError, type GitHubClient } from './client.js';

export async function listPullRequestFiles(
  github: GitHubClient,
  pull: { owner: string; repo: string; number: number },
  hasToken: boolean,
): Promise<Set<string>> {
  try {
    const files = await github.paginate(github.rest.pulls.listFiles, {
      owner: pull.owner,
      repo: pull.repo,
      pull_number: pull.number,
      per_page: 100,
    });
    return new Set(files.map((f) => f.filename));
  } catch (error) {
    throw explainGitHubError(error, `listing the files of pull request #${pull.number}`, hasToken);
  }
}
