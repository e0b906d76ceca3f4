/** Walks over a project's version tree, shared by the project on disk and the UI's copy of it. */

type TreeNode = { id: string; parentId: string | null };

/** The id and every descendant of it: the branch that deleting `id` removes. */
export function subtreeIds(tree: { versions: readonly TreeNode[] }, id: string): Set<string> {
  const childrenOf = new Map<string, string[]>();
  for (const v of tree.versions) {
    if (v.parentId !== null) childrenOf.set(v.parentId, [...(childrenOf.get(v.parentId) ?? []), v.id]);
  }
  const out = new Set<string>([id]);
  const stack = [id];
  while (stack.length > 0) {
    for (const c of childrenOf.get(stack.pop()!) ?? []) {
      if (!out.has(c)) {
        out.add(c);
        stack.push(c);
      }
    }
  }
  return out;
}
