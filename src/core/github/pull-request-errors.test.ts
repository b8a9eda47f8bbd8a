import { describe, expect, it } from 'vitest';
import { explainPullRequestError, PermissionDeniedError } from './pull-request-errors.js';

const httpError = (status: number, message: string) =>
  Object.assign(new Error(message), { status, response: { headers: {}, data: { message } } });

describe('pull request error mapping', () => {
  it('names the Actions setting for the PR creation refusal', () => {
    const error = explainPullRequestError(
      httpError(422, 'GitHub Actions is not permitted to create or approve pull requests.'),
      'creating the pull request',
    );
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error.describe()).toMatch(/Allow GitHub Actions to create and approve pull requests/);
  });

  it('names the file and the workflows permission', () => {
    const error = explainPullRequestError(
      httpError(
        422,
        'refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission',
      ),
      'committing',
    );
    expect(error.message).toMatch(/\.github\/workflows\/ci\.yml/);
    expect(error.describe()).toMatch(/classic PAT with the `workflow` scope/);
  });

  it('says which branch is protected', () => {
    const error = explainPullRequestError(
      httpError(422, 'Protected branch update failed for refs/heads/x.'),
      'committing',
      'istio-autopilot/x',
    );
    expect(error.message).toMatch(/refused to update branch 'istio-autopilot\/x': it is protected/);
  });

  it('keeps GitHub’s own message for anything else', () => {
    expect(explainPullRequestError(httpError(500, 'boom'), 'reading').message).toMatch(/HTTP 500.*boom/);
  });
});
