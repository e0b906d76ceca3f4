/** Small version trees for the state and editor tests. */
import type { ProjectTree, Recipe, VersionNode } from '../../../electron/shared/projectSchemas';

export function recipe(prompt: string, seed = 7): Recipe {
  return {
    model: { id: 'tiny', files: {} },
    input: `${'b'.repeat(64)}.png`,
    prompt,
    negativePrompt: ' ',
    seed,
    cfg: 4,
    steps: 4,
    sizes: { input: { width: 64, height: 48 }, output: { width: 64, height: 48 } },
    region: null,
    options: {},
    timings: {},
  };
}

/** A version; `minute` orders siblings by creation time. */
export function version(id: string, parentId: string | null, minute: number): VersionNode {
  return {
    id,
    parentId,
    createdAt: `2026-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`,
    kind: parentId ? 'edit' : 'import',
    image: { blob: `${'a'.repeat(64)}.png`, width: 64, height: 48 },
    thumbnail: null,
    recipe: parentId ? recipe(`edit ${id}`) : null,
    sourceName: parentId ? null : 'a.png',
    label: null,
  };
}

export function tree(versions: VersionNode[], head: string, projectId = 'p1'): ProjectTree {
  return { projectId, name: 'a', head, versions, unavailable: [], readOnly: false, readOnlyReason: null };
}

/** root → a → b, and root → c (a branch made later). */
export function branchedTree(head = 'b'): ProjectTree {
  return tree(
    [version('root', null, 0), version('a', 'root', 1), version('b', 'a', 2), version('c', 'root', 3)],
    head,
  );
}
