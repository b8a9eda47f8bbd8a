// A bench's generated repo as git: initialised and committed, so scans see a real checkout.
import { execFileSync } from 'node:child_process';

export function commitRepo(repo) {
  execFileSync('git', ['init', '-q', repo]);
  execFileSync('git', ['-C', repo, 'add', '-A']);
  execFileSync('git', [
    '-C',
    repo,
    '-c',
    'user.name=bench',
    '-c',
    'user.email=bench@example.com',
    'commit',
    '-qm',
    'bench',
  ]);
}
