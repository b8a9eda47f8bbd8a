// Runs the analyze-manifests entry; a runner executes this file's bundle, tests call run() directly.
import { run } from '../analyze-manifests.js';

await run();
