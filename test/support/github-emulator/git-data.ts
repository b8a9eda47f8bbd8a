// The Git Data API over the emulated repository's bare git repo: refs (with fast-forward and force
// semantics), commits (GitHub-signed when no identity is given), trees (base_tree, modes) and blobs.
import type { EmulatorRequest, EmulatorResponse, GitHubEmulator } from './server.js';
import { ZERO_SHA, type EmulatedRepository, type GitIdentity, type TreeEntryInput } from './git-repo.js';

const DOCS = 'https://docs.github.com/rest/git';

export function apiError(status: number, message: string, documentationUrl = DOCS): EmulatorResponse {
  return { status, body: { message, documentation_url: documentationUrl } };
}

/** Resolves {owner}/{repo}; undefined when the request names another repository. */
export function repositoryFor(
  state: EmulatedRepository,
  req: EmulatorRequest,
): EmulatedRepository | undefined {
  return req.params.owner === state.owner && req.params.repo === state.name ? state : undefined;
}

/**
 * What GitHub checks before moving a branch: protection rules and, when the new commits touch
 * .github/workflows, the token's `workflows` permission. Returns the rejection, if any.
 */
export async function rejectRefWrite(
  state: EmulatedRepository,
  ref: string,
  sha: string,
): Promise<string | undefined> {
  const branch = ref.replace(/^refs\/heads\//, '');
  if (ref.startsWith('refs/heads/') && state.isProtected(branch)) {
    return `Protected branch update failed for ${ref}.`;
  }
  if (!state.rules.workflowsPermission) {
    const defaultTip = await state.git.resolveRef(`refs/heads/${state.defaultBranch}`);
    const base = defaultTip ? await state.git.mergeBase(defaultTip, sha) : undefined;
    const workflow = (await state.git.changedPaths(base, sha)).find((p) =>
      p.startsWith('.github/workflows/'),
    );
    if (workflow) {
      return `refusing to allow a GitHub App to create or update workflow \`${workflow}\` without \`workflows\` permission`;
    }
  }
  return undefined;
}

export function registerGitDataRoutes(emulator: GitHubEmulator, state: EmulatedRepository): void {
  const base = '/repos/{owner}/{repo}/git';
  const op = (path: string, method: string) => ({ path: `/repos/{owner}/{repo}/git${path}`, method });
  const api = () => `${emulator.url}/repos/${state.fullName}`;
  const refJson = (ref: string, sha: string) => ({
    ref,
    node_id: Buffer.from(`Ref:${ref}`).toString('base64'),
    url: `${api()}/git/${ref}`,
    object: { type: 'commit', sha, url: `${api()}/git/commits/${sha}` },
  });
  const notFound = () => apiError(404, 'Not Found');

  emulator.route({
    method: 'GET',
    template: `${base}/ref/{ref+}`,
    operation: op('/ref/{ref}', 'GET'),
    handler: async (req) => {
      const repo = repositoryFor(state, req);
      const sha = repo && (await repo.git.resolveRef(`refs/${req.params.ref}`));
      return sha ? { status: 200, body: refJson(`refs/${req.params.ref}`, sha) } : notFound();
    },
  });

  emulator.route({
    method: 'POST',
    template: `${base}/refs`,
    operation: op('/refs', 'POST'),
    handler: async (req) => {
      const repo = repositoryFor(state, req);
      if (!repo) return notFound();
      const { ref, sha } = req.body as { ref: string; sha: string };
      if (!/^refs\/.+\/.+/.test(ref)) return apiError(422, `${ref} is not a valid ref name.`);
      if ((await repo.git.objectType(sha)) !== 'commit') return apiError(422, 'Object does not exist');
      const rejection = await rejectRefWrite(repo, ref, sha);
      if (rejection) return apiError(422, rejection);
      if (!(await repo.git.compareAndSwapRef(ref, sha, ZERO_SHA)))
        return apiError(422, 'Reference already exists');
      return { status: 201, body: refJson(ref, sha) };
    },
  });

  emulator.route({
    method: 'PATCH',
    template: `${base}/refs/{ref+}`,
    operation: op('/refs/{ref}', 'PATCH'),
    handler: async (req) => {
      const repo = repositoryFor(state, req);
      if (!repo) return notFound();
      const ref = `refs/${req.params.ref}`;
      const { sha, force } = req.body as { sha: string; force?: boolean };
      const current = await repo.git.resolveRef(ref);
      if (!current) return apiError(422, 'Reference does not exist');
      if ((await repo.git.objectType(sha)) !== 'commit') return apiError(422, 'Object does not exist');
      if (!force && !(await repo.git.isAncestor(current, sha)))
        return apiError(422, 'Update is not a fast forward');
      const rejection = await rejectRefWrite(repo, ref, sha);
      if (rejection) return apiError(422, rejection);
      // The swap is against the value just read, so a push in between fails instead of being lost.
      if (!(await repo.git.compareAndSwapRef(ref, sha, current)))
        return apiError(422, 'Reference cannot be updated');
      return { status: 200, body: refJson(ref, sha) };
    },
  });

  emulator.route({
    method: 'DELETE',
    template: `${base}/refs/{ref+}`,
    operation: op('/refs/{ref}', 'DELETE'),
    handler: async (req) => {
      const repo = repositoryFor(state, req);
      if (!repo) return notFound();
      const ref = `refs/${req.params.ref}`;
      if (ref.startsWith('refs/heads/') && repo.isProtected(ref.slice('refs/heads/'.length))) {
        return apiError(422, `Protected branch update failed for ${ref}.`);
      }
      return (await repo.git.deleteRef(ref)) && (await repo.git.resolveRef(ref)) === undefined
        ? { status: 204 }
        : apiError(422, 'Reference does not exist');
    },
  });

  emulator.route({
    method: 'POST',
    template: `${base}/blobs`,
    operation: op('/blobs', 'POST'),
    handler: async (req) => {
      const repo = repositoryFor(state, req);
      if (!repo) return notFound();
      const { content, encoding } = req.body as { content: string; encoding?: string };
      if (encoding !== undefined && encoding !== 'utf-8' && encoding !== 'base64') {
        return apiError(422, `encoding must be utf-8 or base64, not ${encoding}`);
      }
      const sha = await repo.git.writeBlob(Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8'));
      return { status: 201, body: { url: `${api()}/git/blobs/${sha}`, sha } };
    },
  });

  emulator.route({
    method: 'GET',
    template: `${base}/blobs/{file_sha}`,
    operation: op('/blobs/{file_sha}', 'GET'),
    handler: async (req) => {
      const repo = repositoryFor(state, req);
      const content = repo && (await repo.git.readBlob(req.params.file_sha!));
      if (!content) return notFound();
      const sha = req.params.file_sha!;
      return {
        status: 200,
        body: {
          sha,
          node_id: Buffer.from(`Blob:${sha}`).toString('base64'),
          url: `${api()}/git/blobs/${sha}`,
          size: content.length,
          // GitHub wraps base64 at 60 columns.
          content: (content.toString('base64').match(/.{1,60}/g) ?? []).join('\n') + '\n',
          encoding: 'base64',
        },
      };
    },
  });

  const treeJson = async (repo: EmulatedRepository, sha: string, recursive: boolean) => {
    const entries = (await repo.git.readTree(sha, recursive)) ?? [];
    return {
      sha,
      url: `${api()}/git/trees/${sha}`,
      truncated: false,
      tree: entries.map((e) => ({
        ...e,
        url: `${api()}/git/${e.type === 'tree' ? 'trees' : 'blobs'}/${e.sha}`,
      })),
    };
  };

  emulator.route({
    method: 'POST',
    template: `${base}/trees`,
    operation: op('/trees', 'POST'),
    handler: async (req) => {
      const repo = repositoryFor(state, req);
      if (!repo) return notFound();
      const { tree, base_tree } = req.body as { tree: TreeEntryInput[]; base_tree?: string };
      if (base_tree !== undefined && (await repo.git.readTree(base_tree, false)) === undefined) {
        return apiError(422, 'base_tree is not a valid tree oid');
      }
      for (const entry of tree) {
        if (entry.sha !== undefined && entry.content !== undefined) {
          return apiError(422, `tree.sha and tree.content are exclusive (${entry.path})`);
        }
        if (entry.sha && !(await repo.git.objectType(entry.sha))) {
          return apiError(422, `tree.sha ${entry.sha} is not a valid ${entry.type ?? 'blob'}`);
        }
      }
      const sha = await repo.git.writeTree(tree, base_tree);
      return { status: 201, body: await treeJson(repo, sha, false) };
    },
  });

  emulator.route({
    method: 'GET',
    template: `${base}/trees/{tree_sha}`,
    operation: op('/trees/{tree_sha}', 'GET'),
    handler: async (req) => {
      const repo = repositoryFor(state, req);
      if (!repo || !(await repo.git.readTree(req.params.tree_sha!, false))) return notFound();
      const sha = await repo.git.git(['rev-parse', `${req.params.tree_sha}^{tree}`]);
      return { status: 200, body: await treeJson(repo, sha, req.query.has('recursive')) };
    },
  });

  const commitJson = async (repo: EmulatedRepository, sha: string) => {
    const commit = (await repo.git.readCommit(sha))!;
    const verified = repo.verifiedCommits.has(sha);
    return {
      sha,
      node_id: Buffer.from(`Commit:${sha}`).toString('base64'),
      url: `${api()}/git/commits/${sha}`,
      html_url: `${emulator.url}/${repo.fullName}/commit/${sha}`,
      author: commit.author,
      committer: commit.committer,
      tree: { sha: commit.tree, url: `${api()}/git/trees/${commit.tree}` },
      message: commit.message,
      parents: commit.parents.map((p) => ({
        sha: p,
        url: `${api()}/git/commits/${p}`,
        html_url: `${emulator.url}/${repo.fullName}/commit/${p}`,
      })),
      verification: verified
        ? {
            verified: true,
            reason: 'valid',
            signature: '-----BEGIN PGP SIGNATURE-----\nemulated\n-----END PGP SIGNATURE-----',
            payload: commit.message,
            verified_at: commit.committer.date,
          }
        : { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    };
  };

  emulator.route({
    method: 'POST',
    template: `${base}/commits`,
    operation: op('/commits', 'POST'),
    handler: async (req) => {
      const repo = repositoryFor(state, req);
      if (!repo) return notFound();
      const body = req.body as {
        message: string;
        tree: string;
        parents?: string[];
        author?: GitIdentity;
        committer?: GitIdentity;
      };
      const treeType = await repo.git.objectType(body.tree);
      if (treeType !== 'tree') return apiError(422, 'Tree SHA does not exist');
      for (const parent of body.parents ?? []) {
        if ((await repo.git.objectType(parent)) !== 'commit')
          return apiError(422, 'Parent SHA does not exist or is not a commit object');
      }
      // Without an identity GitHub authors the commit as the token's user and signs it itself.
      const signedByGitHub = body.author === undefined && body.committer === undefined;
      const user = repo.userFor(req.token);
      const tokenIdentity = { name: user.login, email: `${user.id}+${user.login}@users.noreply.github.com` };
      const author = body.author ?? tokenIdentity;
      const committer = signedByGitHub
        ? { name: 'GitHub', email: 'noreply@github.com' }
        : (body.committer ?? author);
      const sha = await repo.git.writeCommit({
        tree: body.tree,
        parents: body.parents ?? [],
        message: body.message,
        author,
        committer,
      });
      if (signedByGitHub) repo.verifiedCommits.add(sha);
      return { status: 201, body: await commitJson(repo, sha) };
    },
  });

  emulator.route({
    method: 'GET',
    template: `${base}/commits/{commit_sha}`,
    operation: op('/commits/{commit_sha}', 'GET'),
    handler: async (req) => {
      const repo = repositoryFor(state, req);
      if (!repo || (await repo.git.objectType(req.params.commit_sha!)) !== 'commit') return notFound();
      return { status: 200, body: await commitJson(repo, req.params.commit_sha!) };
    },
  });
}
