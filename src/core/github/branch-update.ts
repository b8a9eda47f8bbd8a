// Moves the upgrade branch to a new commit with a lease: it creates the branch only if absent,
// and replaces a tip only if that tip is still the bot's own commit it just read. A human's
// commits on the branch are never overwritten.
import type { Logger } from '../logger.js';
import type { GitHubClient } from './client.js';
import { createCommit, type GitIdentity, type RepositoryRef } from './commit.js';

/** The trailer that marks a commit as Istio Autopilot's own, so later runs may replace it. */
const COMMIT_TRAILER = 'Istio-Autopilot-Branch';

function withTrailer(message: string, branch: string): string {
  return `${message.replace(/\s+$/, '')}\n\n${COMMIT_TRAILER}: ${branch}\n`;
}

export function isAutopilotCommit(message: string, branch: string): boolean {
  return message
    .trimEnd()
    .split('\n')
    .some((line) => line.trim() === `${COMMIT_TRAILER}: ${branch}`);
}

export interface BranchUpdateRequest {
  branch: string;
  /** The tip of base the commit is made on. */
  baseSha: string;
  tree: string;
  message: string;
  sign: boolean;
  author?: GitIdentity;
  committer?: GitIdentity;
}

export type BranchUpdate =
  | { kind: 'created' | 'updated' | 'unchanged'; sha: string; verified?: boolean }
  /** The tip is someone else's commit: left alone. */
  | { kind: 'foreign'; sha: string; author: string };

const UPDATE_REFS = `mutation($input: UpdateRefsInput!) { updateRefs(input: $input) { clientMutationId } }`;
const ATTEMPTS = 3;

export async function updateUpgradeBranch(
  octokit: GitHubClient,
  repository: RepositoryRef & { nodeId: string },
  request: BranchUpdateRequest,
  logger: Logger,
): Promise<BranchUpdate> {
  const ref = `refs/heads/${request.branch}`;
  let commit: { sha: string; verified: boolean } | undefined;
  const ourCommit = async () =>
    (commit ??= await createCommit(octokit, repository, {
      tree: request.tree,
      parent: request.baseSha,
      message: withTrailer(request.message, request.branch),
      sign: request.sign,
      author: request.author,
      committer: request.committer,
    }));

  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const current = await readBranch(octokit, repository, request.branch);
    if (current === undefined) {
      const { sha, verified } = await ourCommit();
      try {
        await octokit.rest.git.createRef({ ...repository, ref, sha });
        return { kind: 'created', sha, verified };
      } catch (error) {
        // Another run created it first: read it again and decide from what is there.
        if (isStatus(error, 422) && /already exists/i.test(String((error as Error).message))) continue;
        throw error;
      }
    }
    const { data: tip } = await octokit.rest.git.getCommit({ ...repository, commit_sha: current });
    if (!isAutopilotCommit(tip.message, request.branch)) {
      return { kind: 'foreign', sha: current, author: `${tip.author.name} <${tip.author.email}>` };
    }
    if (tip.tree.sha === request.tree) return { kind: 'unchanged', sha: current };
    const { sha, verified } = await ourCommit();
    if (await swapRef(octokit, repository, ref, current, sha, logger))
      return { kind: 'updated', sha, verified };
    logger.info(
      `${request.branch} moved while it was being updated; reading it again (attempt ${attempt} of ${ATTEMPTS}).`,
    );
  }
  throw new Error(`${request.branch} kept moving while Istio Autopilot tried to update it`);
}

async function readBranch(
  octokit: GitHubClient,
  repository: RepositoryRef,
  branch: string,
): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.git.getRef({ ...repository, ref: `heads/${branch}` });
    return data.object.sha;
  } catch (error) {
    if (isStatus(error, 404)) return undefined;
    throw error;
  }
}

/**
 * Force-moves `ref` from `expected` to `sha` atomically with GraphQL updateRefs (beforeOid is the
 * lease). Returns false when the ref no longer points at `expected`.
 */
async function swapRef(
  octokit: GitHubClient,
  repository: RepositoryRef & { nodeId: string },
  ref: string,
  expected: string,
  sha: string,
  logger: Logger,
): Promise<boolean> {
  try {
    await octokit.graphql(UPDATE_REFS, {
      input: {
        repositoryId: repository.nodeId,
        refUpdates: [{ name: ref, beforeOid: expected, afterOid: sha, force: true }],
      },
    });
    return true;
  } catch (error) {
    const message = String((error as Error).message);
    if (/is at [0-9a-f]{40}, expected|moved during|stale|expected .*(oid|value)/i.test(message)) return false;
    if (!/updateRefs|doesn't exist on type|undefinedField/i.test(message)) throw error;
  }
  // No updateRefs (older GHES): the REST API has no lease, so re-read right before forcing.
  logger.debug('GraphQL updateRefs is unavailable; falling back to a re-checked REST update');
  const { data } = await octokit.rest.git.getRef({ ...repository, ref: ref.replace(/^refs\//, '') });
  if (data.object.sha !== expected) return false;
  await octokit.rest.git.updateRef({ ...repository, ref: ref.replace(/^refs\//, ''), sha, force: true });
  return true;
}

export function isStatus(error: unknown, status: number): boolean {
  return (error as { status?: number } | undefined)?.status === status;
}
