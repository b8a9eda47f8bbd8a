// What the injection pipeline asks of the mesh model: the revision's values as the repo declares them,
// and, per workload document, the namespace it renders into and what that namespace's labels say.
// Those facts are kept in the cache dir keyed by the repo's fingerprint, so a run over an unchanged
// repo builds no model at all; the whole model is built only when a step needs it (ADR 0013).
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildMesh, type MeshBuild } from '../mesh/model.js';
import type { InjectionValues } from '../mesh/injection-values.js';
import type { MeshNamespace } from '../mesh/types.js';
import type { Logger } from '../logger.js';
import { memo } from './injection-cache.js';
import { factsOf, repoFingerprint, type MeshFacts } from './mesh-facts.js';

export interface RepoMesh {
  /** The whole model, built on first call (or the one the facts came from). */
  loadBuild(): Promise<MeshBuild>;
  /** Whether some sidecar lives in a patch or overlay file (the patch steps' targets). */
  patchedSidecars: boolean;
  /** Files kustomizations apply as patches (never workloads of their own). */
  patchFiles: Set<string>;
  /** The Istio version a revision's control plane runs, when the repo says one. */
  revisionVersion(revision: string | undefined): string | undefined;
  values?: InjectionValues;
  controlPlaneNamespaces: Set<string>;
  /** Rendered namespace(s) of the workloads a document (`file:line`) produces. */
  namespacesOf(file: string, line: number): string[];
  namespace(name: string): MeshNamespace | undefined;
  /** Where the sidecar of the workload a document produces lives: inline, patch, overlay, helm-rendered. */
  originOf(file: string, line: number): string | undefined;
  /** Whether a revision or tag name is one some control plane defines. */
  knowsRevision(name: string): boolean;
  /**
   * The revision a revision or tag name selects, through the model's tags (`default` and a name no
   * control plane defines stay as they are).
   */
  resolveRevision(name: string): string;
  /** The values of another revision's control plane, merged and reported once per revision. */
  valuesFor(revision: string | undefined): InjectionValues | undefined;
  /**
   * The value the model read for the document whose content starts at `file:line`, as the file holds
   * it (a plain root's manifest: no kustomize, patch or Flux substitution changed it). Only when this
   * run built the model, so the value is of the bytes on disk now; the caller must still check that
   * the document reads alike as YAML 1.1 (`readsAlikeAsYaml11`) and is the workload it expects.
   */
  sourceValue(file: string, line: number): unknown;
}

/** Facts of this many repo contents are kept (branches, PR checks); older ones are removed. */
const KEPT_FACTS = 20;

/** Where the facts of a fingerprint are kept: a memo in the injection cache dir. */
export function factsMemo(cacheDir: string | undefined, fingerprint: string) {
  const stored = memo<MeshFacts>(cacheDir, `mesh-facts-${fingerprint}`);
  return {
    get: stored.get,
    set(facts: MeshFacts) {
      stored.set(facts);
      if (cacheDir) pruneFacts(join(cacheDir, 'memo'));
    },
  };
}

function pruneFacts(dir: string): void {
  try {
    const files = readdirSync(dir)
      .filter((f) => f.startsWith('mesh-facts-') && f.endsWith('.json'))
      .map((f) => ({ path: join(dir, f), time: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.time - a.time);
    for (const old of files.slice(KEPT_FACTS)) rmSync(old.path, { force: true });
  } catch {
    // Another job pruning at the same time, or a cache dir gone: the next run prunes.
  }
}

export async function readRepoMesh(
  workspace: string,
  revision: string | undefined,
  logger: Logger,
  given?: MeshBuild,
  cacheDir?: string,
): Promise<RepoMesh | undefined> {
  const fingerprint = !given && cacheDir ? repoFingerprint(workspace, cacheDir, logger) : undefined;
  const remembered = fingerprint ? factsMemo(cacheDir, fingerprint) : undefined;
  const known = remembered?.get();
  let build: Promise<MeshBuild> | undefined = given ? Promise.resolve(given) : undefined;
  const loadBuild = () => (build ??= buildMesh(workspace, { logger }).then(lean));
  let facts: MeshFacts;
  let sourceValues = new Map<string, unknown>();
  if (known) {
    logger.info('mesh model facts as recorded for this exact repo content (no render needed)');
    facts = known;
  } else {
    try {
      const built = await loadBuild();
      facts = factsOf(built);
      if (!given) sourceValues = plainValues(built);
    } catch (error) {
      logger.warning(
        `the mesh model could not be built (${(error as Error).message.split('\n')[0]}); injecting with the chart defaults and without the namespaces' labels`,
      );
      return undefined;
    }
    remembered?.set(facts);
  }
  return describe(facts, loadBuild, revision ?? 'default', logger, sourceValues);
}

/**
 * The values of the documents a build read as the files hold them, by `file:line`: the manifests of
 * plain roots that no Flux substitution changes, never a document a root reads otherwise too.
 * Injection's selection reads them instead of parsing each document a second time.
 */
function plainValues(build: MeshBuild): Map<string, unknown> {
  const values = new Map<string, unknown>();
  const otherwise = new Set<string>();
  for (const { root, objects } of build.rendered) {
    const asIs = !root.kustomization && !root.flux;
    const files = new Set(root.files ?? []);
    for (const object of objects) {
      if (!object.source) continue;
      const key = `${object.source.file}:${object.source.line}`;
      const plain = asIs && object.patchedIn.length === 0 && files.has(object.source.file);
      if (!plain || values.has(key)) otherwise.add(key);
      else values.set(key, object.object);
    }
  }
  for (const key of otherwise) values.delete(key);
  return values;
}

/** Records the facts of `build`, the model of the workspace as it now is (after a write). */
export function recordRepoMeshFacts(
  workspace: string,
  cacheDir: string | undefined,
  build: MeshBuild,
  logger: Logger,
): void {
  if (!cacheDir) return;
  factsMemo(cacheDir, repoFingerprint(workspace, cacheDir, logger)).set(factsOf(build));
}

/** Injection reads the model's values, never its syntax trees again: let them go. */
function lean(build: MeshBuild): MeshBuild {
  build.files.forgetParsed();
  return build;
}

function reportValues(values: InjectionValues, logger: Logger): void {
  const layers = values.layers.map((l) => l.description).join(', ');
  logger.info(
    `injection config of revision ${values.revision} from the repo's control plane (cluster ${values.cluster}): ${layers || 'no values'}`,
  );
  for (const u of values.unresolved)
    logger.warning(
      `the control plane values refer to ${u.reference}, which the repo cannot resolve (${u.reason}); the injection config is rendered without it`,
      u.source ? { ...u.source } : {},
    );
  for (const d of values.dropped)
    logger.info(`left ${d} out of the injection config: the target version decides the proxy image`);
  if (values.conflicts.length > 0)
    logger.warning(
      `clusters ${values.conflicts.join(', ')} declare revision ${values.revision} with other values than cluster ${values.cluster}; the sidecars use cluster ${values.cluster}'s`,
    );
}

function describe(
  facts: MeshFacts,
  loadBuild: () => Promise<MeshBuild>,
  runRevision: string,
  logger: Logger,
  sourceValues: ReadonlyMap<string, unknown> = new Map(),
): RepoMesh {
  const namespaces = new Map(facts.namespaces.map((ns) => [ns.name, ns]));
  const planes = new Set(facts.planes);
  const tags = new Map(facts.tags);
  const revisions = new Set([...planes, ...tags.keys()]);
  // A revision's own name wins over a tag of the same name, as the webhooks of both would match.
  const resolveRevision = (name: string) => (planes.has(name) ? name : (tags.get(name) ?? name));
  const reported = new Map<string, InjectionValues | undefined>();
  const valuesFor = (revision: string | undefined) => {
    const name = revision ?? 'default';
    if (reported.has(name)) return reported.get(name);
    const found = facts.valuesByRevision[name] ?? undefined;
    if (found) reportValues(found, logger);
    reported.set(name, found);
    return found;
  };
  const values = valuesFor(runRevision);
  return {
    loadBuild,
    patchedSidecars: facts.patchedSidecars,
    patchFiles: new Set(facts.patchFiles),
    revisionVersion: (revision) => facts.revisionVersions[revision ?? 'default'],
    ...(values ? { values } : {}),
    controlPlaneNamespaces: new Set(facts.controlPlaneNamespaces),
    namespacesOf: (file, line) => [...(facts.namespacesBySource[`${file}:${line}`] ?? [])],
    namespace: (name) => namespaces.get(name),
    originOf: (file, line) => facts.origins[`${file}:${line}`],
    // A repo that declares no control plane cannot tell a revision from a typo.
    knowsRevision: (name) => revisions.size === 0 || revisions.has(name),
    resolveRevision,
    valuesFor,
    sourceValue: (file, line) => sourceValues.get(`${file}:${line}`),
  };
}
