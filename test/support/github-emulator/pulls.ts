// Pull requests and their issue side over the emulated repository: repository GET, pulls (create,
// list, get, update), labels, assignees, comments and requested reviewers.
import { paginate, type GitHubEmulator } from './server.js';
import { apiError, repositoryFor } from './git-data.js';
import type { EmulatedComment, EmulatedPull, EmulatedRepository, EmulatedUser } from './git-repo.js';

const PULLS_DOCS = 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request';

export function registerPullRoutes(emulator: GitHubEmulator, state: EmulatedRepository): void {
  const web = () => emulator.url;
  const api = () => `${emulator.url}/repos/${state.fullName}`;
  const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

  const userJson = (user: EmulatedUser) => {
    const url = `${emulator.url}/users/${encodeURIComponent(user.login)}`;
    return {
      login: user.login,
      id: user.id,
      node_id: Buffer.from(`User:${user.id}`).toString('base64'),
      avatar_url: `${web()}/avatars/${user.id}`,
      gravatar_id: '',
      url,
      html_url: `${web()}/${encodeURIComponent(user.login)}`,
      followers_url: `${url}/followers`,
      following_url: `${url}/following{/other_user}`,
      gists_url: `${url}/gists{/gist_id}`,
      starred_url: `${url}/starred{/owner}{/repo}`,
      subscriptions_url: `${url}/subscriptions`,
      organizations_url: `${url}/orgs`,
      repos_url: `${url}/repos`,
      events_url: `${url}/events{/privacy}`,
      received_events_url: `${url}/received_events`,
      type: user.type,
      site_admin: false,
    };
  };
  const userNamed = (login: string): EmulatedUser => ({
    login,
    id: 5000 + [...login].reduce((a, c) => a + c.charCodeAt(0), 0),
    type: 'User',
  });
  const owner: EmulatedUser = { login: state.owner, id: 9919, type: 'User' };

  const repositoryJson = (full: boolean) => {
    const url = api();
    const urls = Object.fromEntries(
      [
        ['archive', '/{archive_format}{/ref}'],
        ['assignees', '/assignees{/user}'],
        ['blobs', '/git/blobs{/sha}'],
        ['branches', '/branches{/branch}'],
        ['collaborators', '/collaborators{/collaborator}'],
        ['comments', '/comments{/number}'],
        ['commits', '/commits{/sha}'],
        ['compare', '/compare/{base}...{head}'],
        ['contents', '/contents/{+path}'],
        ['contributors', '/contributors'],
        ['deployments', '/deployments'],
        ['downloads', '/downloads'],
        ['events', '/events'],
        ['forks', '/forks'],
        ['git_commits', '/git/commits{/sha}'],
        ['git_refs', '/git/refs{/sha}'],
        ['git_tags', '/git/tags{/sha}'],
        ['hooks', '/hooks'],
        ['issue_comment', '/issues/comments{/number}'],
        ['issue_events', '/issues/events{/number}'],
        ['issues', '/issues{/number}'],
        ['keys', '/keys{/key_id}'],
        ['labels', '/labels{/name}'],
        ['languages', '/languages'],
        ['merges', '/merges'],
        ['milestones', '/milestones{/number}'],
        ['notifications', '/notifications{?since,all,participating}'],
        ['pulls', '/pulls{/number}'],
        ['releases', '/releases{/id}'],
        ['stargazers', '/stargazers'],
        ['statuses', '/statuses/{sha}'],
        ['subscribers', '/subscribers'],
        ['subscription', '/subscription'],
        ['tags', '/tags'],
        ['teams', '/teams'],
        ['trees', '/git/trees{/sha}'],
      ].map(([name, suffix]) => [`${name}_url`, `${url}${suffix}`]),
    );
    const html = `${web()}/${state.fullName}`;
    const stamp = '2020-01-01T00:00:00Z';
    return {
      id: state.id,
      node_id: state.nodeId,
      name: state.name,
      full_name: state.fullName,
      owner: userJson(owner),
      private: false,
      html_url: html,
      description: null,
      fork: false,
      url,
      ...urls,
      clone_url: `${html}.git`,
      git_url: `git://127.0.0.1/${state.fullName}.git`,
      ssh_url: `git@127.0.0.1:${state.fullName}.git`,
      svn_url: html,
      mirror_url: null,
      homepage: null,
      language: null,
      forks: 0,
      forks_count: 0,
      stargazers_count: 0,
      watchers: 0,
      watchers_count: 0,
      size: 1,
      default_branch: state.defaultBranch,
      open_issues: state.pulls.filter((p) => p.state === 'open').length,
      open_issues_count: state.pulls.filter((p) => p.state === 'open').length,
      has_issues: true,
      has_projects: false,
      has_wiki: false,
      has_pages: false,
      has_downloads: true,
      archived: false,
      disabled: false,
      license: null,
      pushed_at: stamp,
      created_at: stamp,
      updated_at: stamp,
      ...(full
        ? {
            has_discussions: false,
            network_count: 0,
            subscribers_count: 0,
            allow_auto_merge: state.rules.allowAutoMerge,
          }
        : {}),
    };
  };

  const labelJson = (name: string) => ({
    id: 200 + [...name].reduce((a, c) => a + c.charCodeAt(0), 0),
    node_id: Buffer.from(`Label:${name}`).toString('base64'),
    url: `${api()}/labels/${encodeURIComponent(name)}`,
    name,
    description: '',
    color: 'ededed',
    default: false,
  });
  const teamJson = (slug: string) => ({
    id: 300 + [...slug].reduce((a, c) => a + c.charCodeAt(0), 0),
    node_id: Buffer.from(`Team:${slug}`).toString('base64'),
    url: `${emulator.url}/orgs/${state.owner}/teams/${slug}`,
    members_url: `${emulator.url}/orgs/${state.owner}/teams/${slug}/members{/member}`,
    name: slug,
    slug,
    description: null,
    permission: 'pull',
    html_url: `${web()}/orgs/${state.owner}/teams/${slug}`,
    repositories_url: `${emulator.url}/orgs/${state.owner}/teams/${slug}/repos`,
    type: 'organization',
    parent: null,
  });

  const pullJson = async (pull: EmulatedPull, full: boolean) => {
    const url = `${api()}/pulls/${pull.number}`;
    const issueUrl = `${api()}/issues/${pull.number}`;
    const html = `${web()}/${state.fullName}/pull/${pull.number}`;
    const headSha = (await state.git.resolveRef(`refs/heads/${pull.head}`)) ?? '0'.repeat(40);
    const baseSha = (await state.git.resolveRef(`refs/heads/${pull.base}`)) ?? '0'.repeat(40);
    const side = (ref: string, sha: string) => ({
      label: `${state.owner}:${ref}`,
      ref,
      sha,
      user: userJson(owner),
      repo: repositoryJson(false),
    });
    const assignees = pull.assignees.map((login) => userJson(userNamed(login)));
    const simple = {
      url,
      id: pull.id,
      node_id: Buffer.from(`PullRequest:${pull.id}`).toString('base64'),
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: issueUrl,
      commits_url: `${url}/commits`,
      review_comments_url: `${url}/comments`,
      review_comment_url: `${api()}/pulls/comments{/number}`,
      comments_url: `${issueUrl}/comments`,
      statuses_url: `${api()}/statuses/${headSha}`,
      number: pull.number,
      state: pull.state,
      locked: false,
      title: pull.title,
      user: userJson(pull.user),
      body: pull.body,
      labels: pull.labels.map(labelJson),
      milestone: null,
      active_lock_reason: null,
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      closed_at: pull.closedAt,
      merged_at: pull.mergedAt ?? null,
      merge_commit_sha: pull.mergeCommitSha ?? null,
      assignee: assignees[0] ?? null,
      assignees,
      requested_reviewers: pull.requestedReviewers.map((login) => userJson(userNamed(login))),
      requested_teams: pull.requestedTeams.map(teamJson),
      head: side(pull.head, headSha),
      base: side(pull.base, baseSha),
      _links: {
        self: { href: url },
        html: { href: html },
        issue: { href: issueUrl },
        comments: { href: `${issueUrl}/comments` },
        review_comments: { href: `${url}/comments` },
        review_comment: { href: `${api()}/pulls/comments{/number}` },
        commits: { href: `${url}/commits` },
        statuses: { href: `${api()}/statuses/${headSha}` },
      },
      author_association: pull.user.type === 'Bot' ? 'NONE' : 'MEMBER',
      auto_merge: pull.autoMerge
        ? {
            enabled_by: userJson(pull.autoMerge.enabledBy),
            merge_method: pull.autoMerge.method.toLowerCase(),
            commit_title: pull.title,
            commit_message: '',
          }
        : null,
      draft: pull.draft,
    };
    if (!full) return simple;
    return {
      ...simple,
      merged: Boolean(pull.mergedAt),
      mergeable: true,
      rebaseable: true,
      mergeable_state: 'clean',
      merged_by: null,
      comments: pull.comments.length,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: 1,
      additions: 0,
      deletions: 0,
      changed_files: 0,
    };
  };

  const issueJson = async (pull: EmulatedPull) => {
    const json = await pullJson(pull, false);
    return {
      id: pull.id,
      node_id: json.node_id,
      url: json.issue_url,
      repository_url: api(),
      labels_url: `${json.issue_url}/labels{/name}`,
      comments_url: json.comments_url,
      events_url: `${json.issue_url}/events`,
      html_url: json.html_url,
      number: pull.number,
      state: pull.state,
      title: pull.title,
      body: pull.body,
      user: json.user,
      labels: json.labels,
      assignee: json.assignee,
      assignees: json.assignees,
      milestone: null,
      locked: false,
      comments: pull.comments.length,
      pull_request: {
        url: json.url,
        html_url: json.html_url,
        diff_url: json.diff_url,
        patch_url: json.patch_url,
        merged_at: pull.mergedAt ?? null,
      },
      closed_at: pull.closedAt,
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      author_association: json.author_association,
    };
  };

  const commentJson = (pull: EmulatedPull, comment: EmulatedComment) => ({
    id: comment.id,
    node_id: Buffer.from(`IssueComment:${comment.id}`).toString('base64'),
    url: `${api()}/issues/comments/${comment.id}`,
    html_url: `${web()}/${state.fullName}/pull/${pull.number}#issuecomment-${comment.id}`,
    issue_url: `${api()}/issues/${pull.number}`,
    body: comment.body,
    user: userJson(comment.user),
    created_at: comment.createdAt,
    updated_at: comment.createdAt,
    author_association: comment.user.type === 'Bot' ? 'NONE' : 'MEMBER',
  });

  const op = (path: string, method: string) => ({ path: `/repos/{owner}/{repo}${path}`, method });
  const notFound = () => apiError(404, 'Not Found');
  const pullFor = (req: { params: Record<string, string> }) =>
    repositoryFor(state, req as never) &&
    state.pull(Number(req.params.pull_number ?? req.params.issue_number));

  emulator.route({
    method: 'GET',
    template: '/repos/{owner}/{repo}',
    operation: op('', 'GET'),
    handler: (req) => (repositoryFor(state, req) ? { status: 200, body: repositoryJson(true) } : notFound()),
  });

  emulator.route({
    method: 'POST',
    template: '/repos/{owner}/{repo}/pulls',
    operation: op('/pulls', 'POST'),
    handler: async (req) => {
      if (!repositoryFor(state, req)) return notFound();
      const body = req.body as { title?: string; head: string; base: string; body?: string; draft?: boolean };
      const user = state.userFor(req.token);
      if (!state.rules.actionsMayCreatePullRequests && user.login === 'github-actions[bot]') {
        return apiError(
          422,
          'GitHub Actions is not permitted to create or approve pull requests.',
          PULLS_DOCS,
        );
      }
      const head = body.head.includes(':') ? body.head.split(':')[1]! : body.head;
      const headSha = await state.git.resolveRef(`refs/heads/${head}`);
      const baseSha = await state.git.resolveRef(`refs/heads/${body.base}`);
      if (!headSha) return pullValidationFailed({ field: 'head', code: 'invalid' });
      if (!baseSha) return pullValidationFailed({ field: 'base', code: 'invalid' });
      if (headSha === baseSha || (await state.git.isAncestor(headSha, baseSha))) {
        return pullValidationFailed({
          code: 'custom',
          message: `No commits between ${body.base} and ${head}`,
        });
      }
      // Check and insert with no await between them: concurrent creates cannot both succeed.
      if (state.pulls.some((p) => p.state === 'open' && p.head === head && p.base === body.base)) {
        return pullValidationFailed({
          code: 'custom',
          message: `A pull request already exists for ${state.owner}:${head}.`,
        });
      }
      const stamp = now();
      const pull: EmulatedPull = {
        number: state.issueNumber(),
        id: state.newId(),
        title: body.title ?? head,
        body: body.body ?? null,
        state: 'open',
        draft: body.draft ?? false,
        head,
        base: body.base,
        user,
        labels: [],
        assignees: [],
        requestedReviewers: [],
        requestedTeams: [],
        comments: [],
        createdAt: stamp,
        updatedAt: stamp,
        closedAt: null,
      };
      state.pulls.push(pull);
      return { status: 201, body: await pullJson(pull, true) };
    },
  });

  emulator.route({
    method: 'GET',
    template: '/repos/{owner}/{repo}/pulls',
    operation: op('/pulls', 'GET'),
    handler: async (req) => {
      if (!repositoryFor(state, req)) return notFound();
      const wanted = req.query.get('state') ?? 'open';
      const head = req.query.get('head');
      const base = req.query.get('base');
      const matching = state.pulls
        .filter((p) => wanted === 'all' || p.state === wanted)
        .filter((p) => !head || `${state.owner}:${p.head}` === head)
        .filter((p) => !base || p.base === base)
        .sort((a, b) => b.number - a.number);
      const { page, headers } = paginate(req, matching, emulator.url);
      return { status: 200, headers, body: await Promise.all(page.map((p) => pullJson(p, false))) };
    },
  });

  emulator.route({
    method: 'GET',
    template: '/repos/{owner}/{repo}/pulls/{pull_number}',
    operation: op('/pulls/{pull_number}', 'GET'),
    handler: async (req) => {
      const pull = pullFor(req);
      return pull ? { status: 200, body: await pullJson(pull, true) } : notFound();
    },
  });

  emulator.route({
    method: 'PATCH',
    template: '/repos/{owner}/{repo}/pulls/{pull_number}',
    operation: op('/pulls/{pull_number}', 'PATCH'),
    handler: async (req) => {
      const pull = pullFor(req);
      if (!pull) return notFound();
      const body = req.body as { title?: string; body?: string; state?: 'open' | 'closed'; base?: string };
      if (body.title !== undefined) pull.title = body.title;
      if (body.body !== undefined) pull.body = body.body;
      if (body.base !== undefined) pull.base = body.base;
      if (body.state !== undefined && body.state !== pull.state) {
        pull.state = body.state;
        pull.closedAt = body.state === 'closed' ? now() : null;
      }
      pull.updatedAt = now();
      return { status: 200, body: await pullJson(pull, true) };
    },
  });

  emulator.route({
    method: 'POST',
    template: '/repos/{owner}/{repo}/issues/{issue_number}/labels',
    operation: op('/issues/{issue_number}/labels', 'POST'),
    handler: (req) => {
      const pull = pullFor(req);
      if (!pull) return notFound();
      const body = req.body as { labels?: (string | { name: string })[] } | string[];
      const names = (Array.isArray(body) ? body : (body.labels ?? [])).map((l) =>
        typeof l === 'string' ? l : l.name,
      );
      for (const name of names) if (!pull.labels.includes(name)) pull.labels.push(name);
      return { status: 200, body: pull.labels.map(labelJson) };
    },
  });

  emulator.route({
    method: 'POST',
    template: '/repos/{owner}/{repo}/issues/{issue_number}/assignees',
    operation: { path: '/repos/{owner}/{repo}/issues/{issue_number}/assignees', method: 'POST' },
    handler: async (req) => {
      const pull = pullFor(req);
      if (!pull) return notFound();
      for (const login of (req.body as { assignees?: string[] }).assignees ?? []) {
        if (!pull.assignees.includes(login)) pull.assignees.push(login);
      }
      return { status: 201, body: await issueJson(pull) };
    },
  });

  emulator.route({
    method: 'GET',
    template: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
    operation: op('/issues/{issue_number}/comments', 'GET'),
    handler: (req) => {
      const pull = pullFor(req);
      if (!pull) return notFound();
      const { page, headers } = paginate(req, pull.comments, emulator.url);
      return { status: 200, headers, body: page.map((c) => commentJson(pull, c)) };
    },
  });

  emulator.route({
    method: 'POST',
    template: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
    operation: op('/issues/{issue_number}/comments', 'POST'),
    handler: (req) => {
      const pull = pullFor(req);
      if (!pull) return notFound();
      const comment: EmulatedComment = {
        id: state.newId(),
        body: (req.body as { body: string }).body,
        user: state.userFor(req.token),
        createdAt: now(),
      };
      pull.comments.push(comment);
      return { status: 201, body: commentJson(pull, comment) };
    },
  });

  emulator.route({
    method: 'POST',
    template: '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
    operation: op('/pulls/{pull_number}/requested_reviewers', 'POST'),
    handler: async (req) => {
      const pull = pullFor(req);
      if (!pull) return notFound();
      const body = req.body as { reviewers?: string[]; team_reviewers?: string[] };
      const author = pull.user.login;
      if ((body.reviewers ?? []).includes(author)) {
        return apiError(422, 'Review cannot be requested from pull request author.');
      }
      for (const login of body.reviewers ?? [])
        if (!pull.requestedReviewers.includes(login)) pull.requestedReviewers.push(login);
      for (const slug of body.team_reviewers ?? [])
        if (!pull.requestedTeams.includes(slug)) pull.requestedTeams.push(slug);
      return { status: 201, body: await pullJson(pull, false) };
    },
  });
}

/** GitHub's 422 for a pull request it will not create, with one error entry. */
function pullValidationFailed(error: { field?: string; code: string; message?: string }) {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', ...error }],
      documentation_url: PULLS_DOCS,
    },
  };
}
