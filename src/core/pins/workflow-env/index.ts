// Metadata of the workflow-env pin kind (ISTIO_VERSION env lines in workflows, marked for autopilot).
import type { TextPinKind } from '../kind.js';
import { extract } from './extract.js';
import { update } from './update.js';

export const workflowEnvKind: TextPinKind = {
  name: 'workflow-env',
  description: 'ISTIO_VERSION-style env lines with a `# istio-autopilot` marker in workflow files',
  filePatterns: ['.github/workflows/*.{yaml,yml}', '**/.github/workflows/*.{yaml,yml}'],
  role: 'per-pin',
  keywords: ['istio-autopilot'],
  input: 'text',
  extract,
  update,
};
export { extract, update };
