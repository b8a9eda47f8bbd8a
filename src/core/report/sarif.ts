// SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif) from analysis findings.
import { realpathSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import type { AnalyzeFinding, AnalyzeLevel, SkippedDocument } from '../istioctl/analyze.js';
import { sortFindings } from '../istioctl/analyze.js';
import { writeFilesAtomically } from '../workspace/atomic.js';
import { resolveInsideWorkspace } from '../workspace/files.js';

const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

type SarifLevel = 'error' | 'warning' | 'note';

const SARIF_LEVEL: Record<AnalyzeLevel, SarifLevel> = {
  Error: 'error',
  Warning: 'warning',
  Info: 'note',
};

export interface SarifOptions {
  /** The istioctl version that analyzed, recorded as the tool's version. */
  toolVersion: string;
  skipped?: readonly SkippedDocument[];
  /** Turns a finding's file (relative to the analysis cwd) into a repo-relative path. */
  toRepoPath?: (file: string) => string;
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  helpUri?: string;
  defaultConfiguration: { level: SarifLevel };
}

/**
 * Writes the SARIF log to `path` (relative to `workspace`), creating its folder; returns the relative
 * path. It goes through the workspace boundary like every other write: a `..`, an absolute path or a
 * symbolic link that leaves the repository is refused (a PR from a fork must not overwrite runner files).
 */
export async function writeSarifFile(
  workspace: string,
  path: string,
  findings: readonly AnalyzeFinding[],
  options: SarifOptions,
): Promise<string> {
  const absolute = resolveInsideWorkspace(workspace, path, 'sarif-file');
  await mkdir(dirname(absolute), { recursive: true });
  // mkdir may have followed a link created meanwhile: check again before writing.
  resolveInsideWorkspace(workspace, path, 'sarif-file');
  writeFilesAtomically(
    [{ path: absolute, content: `${JSON.stringify(buildSarif(findings, options), null, 2)}\n` }],
    {
      root: realpathSync(workspace),
    },
  );
  return relative(realpathSync(workspace), absolute);
}

/** Builds one run: a rule per code, a result per finding located at its file and line. */

export function buildSarif(
  findings: readonly AnalyzeFinding[],
  options: SarifOptions,
): Record<string, unknown> {
  const toRepoPath = options.toRepoPath ?? ((file: string) => file);
  const sorted = sortFindings([...findings]);
  const { rules, ruleIndex } = rulesOf(sorted);
  const results = sorted.filter((f) => f.file).map((finding) => sarifResult(finding, ruleIndex, toRepoPath));
  // Code scanning rejects results without a location; keep those as notifications instead.
  const notifications = [
    ...sorted
      .filter((f) => !f.file)
      .map((f) => ({
        level: SARIF_LEVEL[f.level],
        message: { text: `${f.code} ${f.origin}: ${f.message}` },
      })),
    ...(options.skipped ?? []).map((s) => ({
      level: 'note' as const,
      message: { text: `skipped ${s.file}${s.line ? `:${s.line}` : ''}: ${s.reason}` },
    })),
  ];
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'istioctl analyze',
            version: options.toolVersion,
            informationUri: 'https://istio.io/latest/docs/reference/config/analysis/',
            rules,
          },
        },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The repository root' } } },
        results,
      },
    ],
  };
}

/** A rule per code, in the order the sorted findings first use it. */
function rulesOf(sorted: readonly AnalyzeFinding[]): { rules: SarifRule[]; ruleIndex: Map<string, number> } {
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  for (const finding of sorted) {
    if (ruleIndex.has(finding.code)) continue;
    ruleIndex.set(finding.code, rules.length);
    rules.push({
      id: finding.code,
      name: ruleName(finding),
      shortDescription: { text: ruleName(finding) },
      // istioctl's URL carries a per-finding `?ref=`; the rule's help is the page itself.
      ...(finding.documentationUrl ? { helpUri: finding.documentationUrl.replace(/\?.*$/, '') } : {}),
      defaultConfiguration: { level: SARIF_LEVEL[finding.level] },
    });
  }
  return { rules, ruleIndex };
}

function sarifResult(
  finding: AnalyzeFinding,
  ruleIndex: ReadonlyMap<string, number>,
  toRepoPath: (file: string) => string,
) {
  return {
    ruleId: finding.code,
    ruleIndex: ruleIndex.get(finding.code)!,
    level: SARIF_LEVEL[finding.level],
    message: {
      text:
        finding.origin && finding.source === 'istioctl'
          ? `${finding.message} (${finding.origin})`
          : finding.message,
    },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: encodeUri(toRepoPath(finding.file!)), uriBaseId: '%SRCROOT%' },
          // Code scanning needs a line; JSON inputs have none, so they point at the file's start.
          region: { startLine: finding.line ?? 1 },
        },
      },
    ],
    partialFingerprints: { 'istioFinding/v1': `${finding.code}:${finding.origin}:${finding.message}` },
  };
}

function ruleName(finding: AnalyzeFinding): string {
  if (finding.source === 'autopilot') return finding.code;
  // istioctl gives no message name in JSON; the code's page is named after it.
  return `istioctl analyze ${finding.code}`;
}

/** A relative URI reference: `/`-separated, each segment percent-encoded. */
function encodeUri(path: string): string {
  return path.split(/[\\/]/).map(encodeURIComponent).join('/');
}
