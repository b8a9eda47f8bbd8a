// Runs the bump-istio-version entry; a runner executes this file's bundle, tests call run() directly.
import { run } from '../bump-istio-version.js';

await run();
