// The upgrade facts the pipeline hands open-upgrade-pr (ISTIO_AUTOPILOT_CONTEXT), checked where they enter.
import { InvalidInputError } from '../errors.js';
import type { UpgradeContext } from '../report/pr-body.js';
import { isIstioVersion } from '../versions/parse.js';

/** The pipeline's facts about the upgrade as JSON (ISTIO_AUTOPILOT_CONTEXT when run standalone). */
export function parseUpgradeContext(json: string | undefined): UpgradeContext | undefined {
  if (!json?.trim()) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new InvalidInputError('ISTIO_AUTOPILOT_CONTEXT is not valid JSON', { cause: error });
  }
  const context = value as Record<string, unknown>;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError('ISTIO_AUTOPILOT_CONTEXT must be a JSON object');
  }
  for (const key of ['component', 'from', 'to', 'policy']) {
    if (context[key] !== undefined && typeof context[key] !== 'string') {
      throw new InvalidInputError(`ISTIO_AUTOPILOT_CONTEXT.${key} must be a string`);
    }
  }
  for (const key of ['from', 'to']) {
    if (typeof context[key] === 'string' && !isIstioVersion(context[key])) {
      throw new InvalidInputError(`ISTIO_AUTOPILOT_CONTEXT.${key} '${context[key]}' is not an Istio version`);
    }
  }
  return value as UpgradeContext;
}
