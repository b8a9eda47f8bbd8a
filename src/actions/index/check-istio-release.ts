// Runs the check-istio-release entry; a runner executes this file's bundle, tests call run() directly.
import { run } from '../check-istio-release.js';

await run();
