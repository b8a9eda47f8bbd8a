// POST /graphql for the two mutations the actions use: enablePullRequestAutoMerge and updateRefs
// (the only GitHub API that force-moves a branch with a compare-and-swap on its old value).
import type { EmulatorResponse, GitHubEmulator } from './server.js';
import { rejectRefWrite } from './git-data.js';
import { ZERO_SHA, type EmulatedRepository } from './git-repo.js';

interface GraphQLRequest {
  query?: string;
  variables?: { input?: Record<string, unknown> };
}

/** The GraphQL documents the emulator received, for tests to inspect. */
export type GraphQLLog = { query: string; variables: unknown }[];

const graphqlError = (message: string, type = 'UNPROCESSABLE'): EmulatorResponse => ({
  status: 200,
  body: { data: null, errors: [{ type, message, locations: [{ line: 1, column: 1 }] }] },
});

export function registerGraphQLRoutes(
  emulator: GitHubEmulator,
  state: EmulatedRepository,
  log: GraphQLLog = [],
): void {
  emulator.route({
    method: 'POST',
    template: '/graphql',
    // GraphQL is not in the REST OpenAPI description; the handler checks the document itself.
    operation: false,
    handler: async (req) => {
      const body = (req.body ?? {}) as GraphQLRequest;
      const query = body.query ?? '';
      log.push({ query, variables: body.variables });
      if (req.token === undefined)
        return { status: 401, body: { message: 'This endpoint requires you to be authenticated.' } };
      const input = body.variables?.input;
      if (/\benablePullRequestAutoMerge\s*\(/.test(query)) return enableAutoMerge(state, input, req.token);
      if (/\bupdateRefs\s*\(/.test(query)) return updateRefs(state, input);
      return graphqlError(`the emulator does not implement this document: ${query.slice(0, 80)}`);
    },
  });
}

function enableAutoMerge(
  state: EmulatedRepository,
  input: Record<string, unknown> | undefined,
  token: string,
) {
  const pullRequestId = String(input?.pullRequestId ?? '');
  const method = String(input?.mergeMethod ?? 'MERGE');
  const id = Number(/^PullRequest:(\d+)$/.exec(Buffer.from(pullRequestId, 'base64').toString('utf8'))?.[1]);
  const pull = state.pulls.find((p) => p.id === id);
  if (!pull)
    return graphqlError(`Could not resolve to a node with the global id of '${pullRequestId}'`, 'NOT_FOUND');
  if (!['MERGE', 'SQUASH', 'REBASE'].includes(method)) return graphqlError(`Invalid mergeMethod ${method}`);
  if (!state.rules.allowAutoMerge) return graphqlError('Auto merge is not allowed for this repository');
  if (pull.state !== 'open') return graphqlError('Pull request is closed');
  pull.autoMerge = { method: method as 'MERGE' | 'SQUASH' | 'REBASE', enabledBy: state.userFor(token) };
  return {
    status: 200,
    body: {
      data: {
        enablePullRequestAutoMerge: {
          clientMutationId: null,
          pullRequest: { number: pull.number, autoMergeRequest: { mergeMethod: method } },
        },
      },
    },
  };
}

async function updateRefs(state: EmulatedRepository, input: Record<string, unknown> | undefined) {
  if (input?.repositoryId !== state.nodeId) {
    return graphqlError(
      `Could not resolve to a node with the global id of '${String(input?.repositoryId)}'`,
      'NOT_FOUND',
    );
  }
  const updates = (input.refUpdates ?? []) as {
    name: string;
    afterOid: string;
    beforeOid?: string;
    force?: boolean;
  }[];
  // Check everything first: updateRefs is all-or-nothing.
  for (const update of updates) {
    const current = (await state.git.resolveRef(update.name)) ?? ZERO_SHA;
    if (update.beforeOid !== undefined && update.beforeOid !== current) {
      return graphqlError(
        `A ref update was rejected: ${update.name} is at ${current}, expected ${update.beforeOid}`,
      );
    }
    if (update.afterOid !== ZERO_SHA) {
      if ((await state.git.objectType(update.afterOid)) !== 'commit')
        return graphqlError(`Object ${update.afterOid} does not exist`);
      if (!update.force && current !== ZERO_SHA && !(await state.git.isAncestor(current, update.afterOid))) {
        return graphqlError(`A ref update was rejected: ${update.name} is not a fast-forward`);
      }
      const rejection = await rejectRefWrite(state, update.name, update.afterOid);
      if (rejection) return graphqlError(rejection);
    }
  }
  for (const update of updates) {
    const expected = update.beforeOid ?? (await state.git.resolveRef(update.name)) ?? ZERO_SHA;
    const done =
      update.afterOid === ZERO_SHA
        ? await state.git.deleteRef(update.name, expected)
        : await state.git.compareAndSwapRef(update.name, update.afterOid, expected);
    if (!done) return graphqlError(`A ref update was rejected: ${update.name} moved during the update`);
  }
  return { status: 200, body: { data: { updateRefs: { clientMutationId: null } } } };
}
