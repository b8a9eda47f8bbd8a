// Runs the pipeline entry; a runner executes this file's bundle, tests call run() directly.
import { run } from '../pipeline.js';

await run();
