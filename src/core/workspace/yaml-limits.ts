// Bounds on what a hostile YAML file may cost: alias expansion (an "alias bomb" grows ×N per level)
// is measured in one linear pass and refused past a budget, with the limit in the message.
import { isAlias, isCollection, isPair, visit } from 'yaml';
import type { Document, Node } from 'yaml';
import { FileFormatError } from '../errors.js';

/** The `yaml` package's maxAliasCount for toJS() (its own default is 100; real manifests stay far below). */
export const MAX_YAML_ALIAS_COUNT = 1000;

/** Nodes a document may have once every alias is expanded; a 4 MiB manifest has far fewer. */
export const MAX_YAML_EXPANDED_NODES = 200_000;

/**
 * Throws when `document` would expand to more than MAX_YAML_EXPANDED_NODES nodes. Each node's expanded
 * size is computed once, so this takes time linear in the file, whatever the aliases multiply to.
 */
export function assertBoundedAliases(
  document: Document,
  file: string,
  lineOf: (offset: number) => number,
): void {
  const targets = new Map<Node, Node | undefined>();
  const anchors = new Map<string, Node>();
  let firstAlias: Node | undefined;
  visit(document, {
    Node: (_key, node) => {
      // An alias means the last anchor of that name before it, in document order.
      if (isAlias(node)) {
        targets.set(node, anchors.get(node.source));
        firstAlias ??= node;
      } else if (node.anchor) {
        anchors.set(node.anchor, node);
      }
    },
  });
  if (targets.size === 0) return;
  const sizes = new Map<unknown, number>();
  const inProgress = new Set<unknown>();
  const sizeOf = (node: unknown): number => {
    const known = sizes.get(node);
    if (known !== undefined) return known;
    // An alias to its own ancestor: the walkers stop at depth limits; count it once here.
    if (inProgress.has(node)) return 1;
    inProgress.add(node);
    let size = 1;
    if (isAlias(node)) size = sizeOf(targets.get(node));
    else if (isPair(node)) size = sizeOf(node.key) + sizeOf(node.value);
    else if (isCollection(node))
      for (const item of node.items) size = Math.min(size + sizeOf(item), Number.MAX_SAFE_INTEGER);
    inProgress.delete(node);
    sizes.set(node, size);
    return size;
  };
  const expanded = sizeOf(document.contents);
  if (expanded > MAX_YAML_EXPANDED_NODES) {
    throw new FileFormatError(
      `YAML aliases expand this document to ${expanded > 1e12 ? 'over a trillion' : expanded.toLocaleString('en-US')} nodes, over the limit of ${MAX_YAML_EXPANDED_NODES.toLocaleString('en-US')} (an alias bomb?)`,
      {
        file,
        ...(firstAlias?.range ? { line: lineOf(firstAlias.range[0]) } : {}),
        hint: 'Nothing was read from this file. Write the repeated blocks out, or use fewer nested aliases.',
      },
    );
  }
}
