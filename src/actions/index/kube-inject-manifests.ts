// Runs the kube-inject-manifests entry; a runner executes this file's bundle, tests call run() directly.
import { run } from '../kube-inject-manifests.js';

await run();
