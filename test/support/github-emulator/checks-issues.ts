// Commit statuses, check runs and issues over the emulated repository: what a rollout reads to gate
// a wave (statuses and check runs on a merge commit) and what the dashboard writes (one issue).
// Tests add statuses and check runs directly, as CI or Flux's notification controller would.
import { paginate, type GitHubEmulator } from './server.js';
import { apiError, repositoryFor } from './git-data.js';
import type { EmulatedRepository, EmulatedUser } from './git-repo.js';

export interface EmulatedStatus {
  context: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  createdAt: string;
}

export interface EmulatedCheckRun {
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion:
    'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | null;
  completedAt: string | null;
}

export interface EmulatedIssue {
  number: number;
  id: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  user: EmulatedUser;
  labels: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface ChecksAndIssues {
  /** Per commit SHA, newest last. */
  statuses: Map<string, (EmulatedStatus & { id: number })[]>;
  checkRuns: Map<string, (EmulatedCheckRun & { id: number })[]>;
  issues: EmulatedIssue[];
  addStatus(sha: string, status: Omit<EmulatedStatus, 'createdAt'> & { createdAt?: string }): void;
  addCheckRun(sha: string, run: EmulatedCheckRun): void;
  /** An issue written by a person (or anyone): the dashboard must leave it alone. */
  addIssue(issue: { title: string; body?: string; user: EmulatedUser; labels?: string[] }): EmulatedIssue;
}

export function registerChecksAndIssuesRoutes(
  emulator: GitHubEmulator,
  state: EmulatedRepository,
): ChecksAndIssues {
  const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const api = () => `${emulator.url}/repos/${state.fullName}`;
  const web = () => `${emulator.url}/${state.fullName}`;
  const store: ChecksAndIssues = {
    statuses: new Map(),
    checkRuns: new Map(),
    issues: [],
    addStatus(sha, status) {
      const list = store.statuses.get(sha) ?? [];
      list.push({ ...status, createdAt: status.createdAt ?? now(), id: state.newId() });
      store.statuses.set(sha, list);
    },
    addCheckRun(sha, run) {
      const list = store.checkRuns.get(sha) ?? [];
      list.push({ ...run, id: state.newId() });
      store.checkRuns.set(sha, list);
    },
    addIssue({ title, body, user, labels }) {
      const stamp = now();
      const issue: EmulatedIssue = {
        number: state.issueNumber(),
        id: state.newId(),
        title,
        body: body ?? null,
        state: 'open',
        user,
        labels: labels ?? [],
        createdAt: stamp,
        updatedAt: stamp,
        closedAt: null,
      };
      store.issues.push(issue);
      return issue;
    },
  };

  const userJson = (user: EmulatedUser) => {
    const url = `${emulator.url}/users/${encodeURIComponent(user.login)}`;
    return {
      login: user.login,
      id: user.id,
      node_id: Buffer.from(`User:${user.id}`).toString('base64'),
      avatar_url: `${emulator.url}/avatars/${user.id}`,
      gravatar_id: '',
      url,
      html_url: `${emulator.url}/${encodeURIComponent(user.login)}`,
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
  const labelJson = (name: string) => ({
    id: 200 + [...name].reduce((a, c) => a + c.charCodeAt(0), 0),
    node_id: Buffer.from(`Label:${name}`).toString('base64'),
    url: `${api()}/labels/${encodeURIComponent(name)}`,
    name,
    description: '',
    color: 'ededed',
    default: false,
  });
  const bot: EmulatedUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
  const appJson = {
    id: 15368,
    slug: 'github-actions',
    node_id: 'MDM6QXBwMTUzNjg=',
    owner: userJson({ login: 'github', id: 9919, type: 'User' }),
    name: 'GitHub Actions',
    description: '',
    external_url: 'https://help.github.com/en/actions',
    html_url: `${emulator.url}/apps/github-actions`,
    created_at: '2018-07-30T09:30:17Z',
    updated_at: '2019-12-10T19:04:12Z',
    permissions: { checks: 'write', statuses: 'write' },
    events: [],
  };
  const issueJson = (issue: EmulatedIssue) => {
    const url = `${api()}/issues/${issue.number}`;
    return {
      id: issue.id,
      node_id: Buffer.from(`Issue:${issue.id}`).toString('base64'),
      url,
      repository_url: api(),
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: `${web()}/issues/${issue.number}`,
      number: issue.number,
      state: issue.state,
      title: issue.title,
      body: issue.body,
      user: userJson(issue.user),
      labels: issue.labels.map(labelJson),
      assignee: null,
      assignees: [],
      milestone: null,
      locked: false,
      comments: 0,
      closed_at: issue.closedAt,
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
      author_association: issue.user.type === 'Bot' ? 'NONE' : 'MEMBER',
    };
  };
  // GitHub lists pull requests among issues, marked with `pull_request`.
  const pullAsIssueJson = (pull: EmulatedRepository['pulls'][number]) => ({
    ...issueJson({
      number: pull.number,
      id: pull.id,
      title: pull.title,
      body: pull.body,
      state: pull.state,
      user: pull.user,
      labels: pull.labels,
      createdAt: pull.createdAt,
      updatedAt: pull.updatedAt,
      closedAt: pull.closedAt,
    }),
    html_url: `${web()}/pull/${pull.number}`,
    pull_request: {
      url: `${api()}/pulls/${pull.number}`,
      html_url: `${web()}/pull/${pull.number}`,
      diff_url: `${web()}/pull/${pull.number}.diff`,
      patch_url: `${web()}/pull/${pull.number}.patch`,
      merged_at: pull.mergedAt ?? null,
    },
  });

  const op = (path: string, method: string) => ({ path: `/repos/{owner}/{repo}${path}`, method });
  const notFound = () => apiError(404, 'Not Found');

  emulator.route({
    method: 'GET',
    template: '/repos/{owner}/{repo}/commits/{ref}/statuses',
    operation: op('/commits/{ref}/statuses', 'GET'),
    handler: (req) => {
      if (!repositoryFor(state, req)) return notFound();
      // Newest first, as GitHub lists them.
      const list = [...(store.statuses.get(req.params.ref!) ?? [])].reverse();
      const { page, headers } = paginate(req, list, emulator.url);
      return {
        status: 200,
        headers,
        body: page.map((s) => ({
          url: `${api()}/statuses/${req.params.ref}`,
          avatar_url: null,
          id: s.id,
          node_id: Buffer.from(`StatusContext:${s.id}`).toString('base64'),
          state: s.state,
          description: null,
          target_url: null,
          context: s.context,
          created_at: s.createdAt,
          updated_at: s.createdAt,
          creator: userJson(bot),
        })),
      };
    },
  });

  emulator.route({
    method: 'GET',
    template: '/repos/{owner}/{repo}/commits/{ref}/check-runs',
    operation: op('/commits/{ref}/check-runs', 'GET'),
    handler: (req) => {
      if (!repositoryFor(state, req)) return notFound();
      const sha = req.params.ref!;
      const wanted = req.query.get('check_name');
      const list = (store.checkRuns.get(sha) ?? []).filter((r) => !wanted || r.name === wanted);
      const { page, headers } = paginate(req, list, emulator.url);
      return {
        status: 200,
        headers,
        body: {
          total_count: list.length,
          check_runs: page.map((r) => ({
            id: r.id,
            head_sha: sha,
            node_id: Buffer.from(`CheckRun:${r.id}`).toString('base64'),
            external_id: '',
            url: `${api()}/check-runs/${r.id}`,
            html_url: `${web()}/runs/${r.id}`,
            details_url: `${web()}/runs/${r.id}`,
            status: r.status,
            conclusion: r.conclusion,
            started_at: r.completedAt ?? now(),
            completed_at: r.completedAt,
            output: {
              title: null,
              summary: null,
              text: null,
              annotations_count: 0,
              annotations_url: `${api()}/check-runs/${r.id}/annotations`,
            },
            name: r.name,
            check_suite: { id: r.id + 1 },
            app: appJson,
            pull_requests: [],
          })),
        },
      };
    },
  });

  // Installation tokens (GITHUB_TOKEN, Apps) may not read /user; a person's token may.
  emulator.route({
    method: 'GET',
    template: '/user',
    operation: { path: '/user', method: 'GET' },
    handler: (req) => {
      const user = state.userFor(req.token);
      if (user.type === 'Bot')
        return apiError(
          403,
          'Resource not accessible by integration',
          'https://docs.github.com/rest/users/users#get-the-authenticated-user',
        );
      return {
        status: 200,
        body: {
          ...userJson(user),
          name: null,
          company: null,
          blog: '',
          location: null,
          email: null,
          hireable: null,
          bio: null,
          public_repos: 1,
          public_gists: 0,
          followers: 0,
          following: 0,
          created_at: '2020-01-01T00:00:00Z',
          updated_at: '2020-01-01T00:00:00Z',
        },
      };
    },
  });

  emulator.route({
    method: 'GET',
    template: '/repos/{owner}/{repo}/issues',
    operation: op('/issues', 'GET'),
    handler: (req) => {
      if (!repositoryFor(state, req)) return notFound();
      const wanted = req.query.get('state') ?? 'open';
      const creator = req.query.get('creator');
      const labels = (req.query.get('labels') ?? '').split(',').filter(Boolean);
      const items = [
        ...store.issues.map((i) => ({ item: i, json: () => issueJson(i) })),
        ...state.pulls.map((p) => ({ item: p, json: () => pullAsIssueJson(p) })),
      ]
        .filter(({ item }) => wanted === 'all' || item.state === wanted)
        .filter(({ item }) => !creator || item.user.login === creator)
        .filter(({ item }) => labels.every((l) => item.labels.includes(l)))
        .sort((a, b) => b.item.number - a.item.number);
      const { page, headers } = paginate(req, items, emulator.url);
      return { status: 200, headers, body: page.map(({ json }) => json()) };
    },
  });

  emulator.route({
    method: 'POST',
    template: '/repos/{owner}/{repo}/issues',
    operation: op('/issues', 'POST'),
    handler: (req) => {
      if (!repositoryFor(state, req)) return notFound();
      const body = req.body as {
        title: string | number;
        body?: string;
        labels?: (string | { name?: string })[];
      };
      if (body.body !== undefined && body.body.length > 65536) {
        return {
          status: 422,
          body: {
            message: 'Validation Failed',
            errors: [
              {
                resource: 'Issue',
                code: 'custom',
                field: 'body',
                message: 'body is too long (maximum is 65536 characters)',
              },
            ],
            documentation_url: 'https://docs.github.com/rest/issues/issues#create-an-issue',
          },
        };
      }
      const issue = store.addIssue({
        title: String(body.title),
        body: body.body,
        user: state.userFor(req.token),
        labels: (body.labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? ''))),
      });
      return { status: 201, body: issueJson(issue) };
    },
  });

  emulator.route({
    method: 'PATCH',
    template: '/repos/{owner}/{repo}/issues/{issue_number}',
    operation: op('/issues/{issue_number}', 'PATCH'),
    handler: (req) => {
      if (!repositoryFor(state, req)) return notFound();
      const issue = store.issues.find((i) => i.number === Number(req.params.issue_number));
      if (!issue) return notFound();
      const body = req.body as { title?: string; body?: string; state?: 'open' | 'closed' };
      if (body.body !== undefined && body.body.length > 65536) {
        return {
          status: 422,
          body: {
            message: 'Validation Failed',
            errors: [
              {
                resource: 'Issue',
                code: 'custom',
                field: 'body',
                message: 'body is too long (maximum is 65536 characters)',
              },
            ],
            documentation_url: 'https://docs.github.com/rest/issues/issues#update-an-issue',
          },
        };
      }
      if (body.title !== undefined) issue.title = String(body.title);
      if (body.body !== undefined) issue.body = body.body;
      if (body.state !== undefined && body.state !== issue.state) {
        issue.state = body.state;
        issue.closedAt = body.state === 'closed' ? now() : null;
      }
      issue.updatedAt = now();
      return { status: 200, body: issueJson(issue) };
    },
  });

  return store;
}
