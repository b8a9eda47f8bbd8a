// Real git for tests, run as a named person (args as an array, never a shell).
import { execFileSync } from 'node:child_process';

export interface Person {
  name: string;
  email: string;
}

export const MESH_ADMIN: Person = { name: 'Mesh Admin', email: 'admin@example.com' };

/** A `git(cwd, ...args)` that authors and commits as `person`, returning trimmed stdout. */
export function gitAs(person: Person) {
  return (cwd: string, ...args: string[]): string =>
    execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: person.name,
        GIT_AUTHOR_EMAIL: person.email,
        GIT_COMMITTER_NAME: person.name,
        GIT_COMMITTER_EMAIL: person.email,
      },
    }).trim();
}
