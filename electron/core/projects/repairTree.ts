/**
 * Checks and mends the shape of a version tree read from disk: duplicate ids, parents that do not exist,
 * cycles in parent links, a head that names no version. Every repair keeps versions (a version whose parent
 * is lost becomes a root of its own) and is reported as an issue; a tree with no issues is intact.
 */
import type { VersionNode } from './schemas';

export type RepairedTree = { versions: VersionNode[]; head: string; issues: string[] };

export function repairTree(input: readonly VersionNode[], head: string | undefined): RepairedTree {
  const issues: string[] = [];
  const byId = new Map<string, VersionNode>();
  for (const node of input) {
    if (byId.has(node.id)) issues.push(`Version ${node.id} appears twice; kept the first.`);
    else byId.set(node.id, { ...node });
  }
  for (const node of byId.values()) {
    if (node.parentId !== null && !byId.has(node.parentId)) {
      issues.push(
        `Version ${node.id} refers to a missing parent ${node.parentId}; it is kept as a separate root.`,
      );
      node.parentId = null;
    }
  }
  breakCycles(byId, issues);
  const versions = [...byId.values()];
  let newHead = head;
  if (newHead === undefined || !byId.has(newHead)) {
    const latest = versions.reduce<VersionNode | undefined>(
      (a, b) => (a && a.createdAt >= b.createdAt ? a : b),
      undefined,
    );
    issues.push(
      `The current version ${head ?? '(none)'} does not exist; switched to the latest, ${latest?.id ?? '(none)'}.`,
    );
    newHead = latest?.id ?? '';
  }
  return { versions, head: newHead, issues };
}

/** Walks parent links from every node; a walk that meets itself is a cycle, cut at its oldest member. */
function breakCycles(byId: Map<string, VersionNode>, issues: string[]): void {
  const settled = new Set<string>();
  for (const start of byId.keys()) {
    const path: string[] = [];
    const onPath = new Set<string>();
    let id: string | null = start;
    while (id !== null && !settled.has(id)) {
      if (onPath.has(id)) {
        const cycle = path.slice(path.indexOf(id));
        const oldest = cycle.map((c) => byId.get(c)!).reduce((a, b) => (a.createdAt <= b.createdAt ? a : b));
        issues.push(`Versions ${cycle.join(' → ')} form a loop of parents; ${oldest.id} is kept as a root.`);
        oldest.parentId = null;
        break;
      }
      onPath.add(id);
      path.push(id);
      id = byId.get(id)?.parentId ?? null;
    }
    for (const p of path) settled.add(p);
  }
}
