// Runs the get-istioctl entry; a runner executes this file's bundle, tests call run() directly.
import { run } from '../get-istioctl.js';

await run();
