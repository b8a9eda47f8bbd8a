// Fails when dist/ differs from what `npm run build` makes from src/, untracked files included.
import { execFileSync } from 'node:child_process';

execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all', '--', 'dist'], {
  encoding: 'utf8',
});
if (status.trim() !== '') {
  console.error('dist/ is out of date with src/. Run `npm run build` and commit dist/:\n' + status);
  process.exit(1);
}
console.log('dist/ matches src/');
