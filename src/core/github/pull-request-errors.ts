// Maps the refusals GitHub gives when a bot opens PRs (Actions PR setting, workflows permission,
// branch protection) to errors that name the setting or permission to change.
import { AutopilotError, NetworkError } from '../errors.js';
import { explainGitHubError } from './client.js';

/** The PR or ref write was refused by a repository setting or the token's permissions. */
export class PermissionDeniedError extends AutopilotError {}

const README = 'the "Tokens" part of the open-upgrade-pr section in the Istio Autopilot README';

function messageOf(error: unknown): string {
  const e = error as {
    message?: string;
    response?: { data?: { message?: string; errors?: { message?: string }[] } };
  };
  const data = e?.response?.data;
  return [e?.message, data?.message, ...(data?.errors ?? []).map((x) => x.message)].filter(Boolean).join(' ');
}

/** `what` names the step (e.g. "creating the pull request"); `branch` the branch being written. */
export function explainPullRequestError(error: unknown, what: string, branch?: string): AutopilotError {
  if (error instanceof AutopilotError) return error;
  const message = messageOf(error);
  if (/not permitted to create or approve pull requests/i.test(message)) {
    return new PermissionDeniedError(
      `GitHub Actions is not permitted to create or approve pull requests (${what})`,
      {
        input: 'github-token',
        hint:
          'Turn on "Allow GitHub Actions to create and approve pull requests" in the repository (and organization) ' +
          'Settings > Actions > General > Workflow permissions, or pass a GitHub App or PAT token instead of GITHUB_TOKEN. ' +
          `See ${README}.`,
        cause: error,
      },
    );
  }
  const workflow =
    /(?:create or update workflow|workflow)\s+`?([^`\s]*\.github\/workflows\/[^`\s]*)`?[^]*?without\s+`?workflows?`?\s+(?:permission|scope)/i.exec(
      message,
    );
  if (workflow || /without `?workflows?`? (permission|scope)/i.test(message)) {
    return new PermissionDeniedError(
      `the token may not change ${workflow?.[1] ?? '.github/workflows'}: it lacks the \`workflows\` permission (${what})`,
      {
        input: 'github-token',
        hint:
          'Changing files under .github/workflows needs the `workflows` permission: a GitHub App with "Workflows: read and write", ' +
          'a fine-grained PAT with "Workflows", or a classic PAT with the `workflow` scope. GITHUB_TOKEN can never get it. ' +
          'Or leave .github/workflows out of `paths`.',
        cause: error,
      },
    );
  }
  if (
    /protected branch|repository rule violations|GH006|GH013|cannot update this protected ref/i.test(message)
  ) {
    return new PermissionDeniedError(
      `GitHub refused to update branch '${branch ?? '?'}': it is protected (${what})`,
      {
        input: 'branch',
        hint:
          `A branch protection rule or ruleset covers '${branch ?? 'the branch'}'. Exempt the istio-autopilot/* branches ` +
          "(or this token's app) from the rule, or choose another `branch`.",
        cause: error,
      },
    );
  }
  const explained = explainGitHubError(error, what, true);
  return explained instanceof NetworkError && message && !explained.message.includes(message)
    ? new NetworkError(`${explained.message}: ${message}`, { cause: error, hint: explained.hint })
    : explained;
}
