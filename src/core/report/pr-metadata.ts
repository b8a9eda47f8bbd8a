// The hidden, machine-readable block in an upgrade PR's body: what later runs read to find,
// update or supersede the PR without parsing prose.
export interface PullRequestMetadata {
  /** What is upgraded, e.g. control-plane, data-plane, istio. */
  component: string;
  from?: string;
  to?: string;
  /** The version policy the target was chosen under, e.g. minor or supported. */
  policy?: string;
}

const MARKER = 'istio-autopilot:metadata';
const BLOCK = new RegExp(`<!--\\s*${MARKER}\\s+(\\{[^\\n]*\\})\\s*-->`);

/** An HTML comment GitHub hides when rendering; `<`, `>` and `&` are escaped so no value can close it. */
export function renderMetadata(metadata: PullRequestMetadata): string {
  const json = JSON.stringify({
    component: metadata.component,
    ...(metadata.from ? { from: metadata.from } : {}),
    ...(metadata.to ? { to: metadata.to } : {}),
    ...(metadata.policy ? { policy: metadata.policy } : {}),
  }).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `<!-- ${MARKER} ${json} -->`;
}

/** Reads the block from a PR body; undefined when absent or malformed (a human-made PR). */
export function parseMetadata(body: string | null | undefined): PullRequestMetadata | undefined {
  const match = BLOCK.exec(body ?? '');
  if (!match) return undefined;
  try {
    const value = JSON.parse(match[1]!) as Record<string, unknown>;
    if (typeof value.component !== 'string' || value.component === '') return undefined;
    const text = (key: string) => (typeof value[key] === 'string' ? (value[key] as string) : undefined);
    return { component: value.component, from: text('from'), to: text('to'), policy: text('policy') };
  } catch {
    return undefined;
  }
}
