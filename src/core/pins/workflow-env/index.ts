// Metadata of the workflow-env pin kind (ISTIO_VERSION env lines in workflows, marked for autopilot).
import type { TextPinKind } from '../kind.js';
import { extract } from './extract.js';

/** ISTIO_VERSION-style env lines with a `# istio-autopilot` marker in workflow files */
export const workflowEnvKind: TextPinKind<'workflow-env'> = {
  name: 'workflow-env',
  filePatterns: ['.github/workflows/*.{yaml,yml}', '**/.github/workflows/*.{yaml,yml}'],
  keywords: ['istio-autopilot'],
  input: 'text',
  extract,
};
export { extract };
