// Upgrade branch names: deterministic per component and target minor, so every run for the same
// upgrade lands on the same branch (and PR) and a new minor gets a new one.
import { parseIstioVersion } from '../versions/parse.js';

export const BRANCH_PREFIX = 'istio-autopilot/';

/** `istio-autopilot/control-plane-1.24` for component control-plane and target 1.24.2. */
export function upgradeBranchName(component: string, target?: string): string {
  const slug =
    component
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .replace(/\.{2,}/g, '.') || 'istio';
  const parsed = target ? parseIstioVersion(target) : undefined;
  return parsed ? `${BRANCH_PREFIX}${slug}-${parsed.major}.${parsed.minor}` : `${BRANCH_PREFIX}${slug}`;
}

/** True when git would accept `name` as a branch (the subset of git check-ref-format we need). */
export function isValidBranchName(name: string): boolean {
  const hasControl = [...name].some((c) => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f);
  return (
    name.length > 0 &&
    name !== '@' &&
    !hasControl &&
    !/(^[/.]|[/.]$|\.\.|\/\/|@\{|[~^:?*[\\]|\.lock$|\/\.|\.lock\/)/.test(name)
  );
}
