import { describe, expect, it } from 'vitest';
import { checkRequest, checkResponse } from './openapi.js';

const releasesOp = { path: '/repos/{owner}/{repo}/releases', method: 'GET' };

describe('OpenAPI checks', () => {
  it('rejects a release listing that lacks required fields', () => {
    const problems = checkResponse(releasesOp, 200, [{ tag_name: '1.2.3' }]);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toMatch(/required property/);
  });

  it('rejects a request body of the wrong type', () => {
    const problems = checkRequest(
      { path: '/repos/{owner}/{repo}/pulls', method: 'POST' },
      { title: 5, head: 'x', base: 'main' },
    );
    expect(problems.join('\n')).toMatch(/title/);
  });

  it('throws for an operation GitHub does not have', () => {
    expect(() => checkResponse({ path: '/nope/{x}', method: 'GET' }, 200, {})).toThrow(/no operation/);
  });
});

describe('OpenAPI nullable without a type', () => {
  it('compiles the issue schema and accepts a null milestone but not a number', () => {
    const op = { path: '/repos/{owner}/{repo}/issues/{issue_number}/assignees', method: 'POST' };
    expect(checkResponse(op, 201, { milestone: 5 }).join('\n')).toMatch(/milestone|required/);
  });
});
