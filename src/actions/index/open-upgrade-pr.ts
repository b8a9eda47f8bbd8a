// Runs the open-upgrade-pr entry; a runner executes this file's bundle, tests call run() directly.
import { run } from '../open-upgrade-pr.js';

await run();
