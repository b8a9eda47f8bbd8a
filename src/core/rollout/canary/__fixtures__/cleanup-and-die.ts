// A child process for the cleanup crash test: plans the canary cleanup of the workspace and, before
// the given file's commit, sends itself a real signal. Usage: cleanup-and-die <workspace> <index> <signal>
import { buildMeshModel } from '../../../mesh/model.js';
import { applyCanaryStep } from '../apply.js';
import { planCanary } from '../plan.js';

const [workspace, index, signal] = process.argv.slice(2) as [string, string, NodeJS.Signals];
const plan = planCanary({ model: await buildMeshModel(workspace), strategy: 'canary' });
if (plan?.phase !== 'cleanup') throw new Error(`expected the cleanup step, planned ${plan?.phase}`);
applyCanaryStep(workspace, plan, {
  beforeStep: (at, _path, n) => {
    if (at === 'commit' && n === Number(index)) process.kill(process.pid, signal);
  },
});
process.stdout.write('written\n');
// The rest of a run (committing, opening the PR): a signal received during the write stops it here.
await new Promise((resolve) => setTimeout(resolve, 10_000));
process.stdout.write('went on after the signal\n');
