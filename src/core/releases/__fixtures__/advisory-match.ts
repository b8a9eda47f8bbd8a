// Questions about one advisory, asked the way the check asks them (matchAdvisories, no support data).
import { matchAdvisories, type Advisory } from '../advisories.js';

/** Whether the advisory's own range covers the version (without support data nothing is presumed). */
export const isAffected = (version: string, advisory: Advisory): boolean =>
  matchAdvisories(version, [advisory]).some((m) => !m.presumed);

/** The fix the check names for an affected version. */
export const fixedInFor = (version: string, advisory: Advisory): string | undefined =>
  matchAdvisories(version, [advisory])[0]?.fixedIn;
