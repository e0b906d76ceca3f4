/**
 * The open project: its version tree as the app side last reported it, which version the canvas shows, and
 * the branches hidden while their deletion can still be undone.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { ProjectTree, VersionNode } from '../../../electron/shared/projectSchemas';
import type { AppState } from './appStore';

export { subtreeIds } from '../../../electron/shared/versionTree';

export type OpenProject = ProjectTree & { path: string };

export type ProjectSlice = {
  project: OpenProject | null;
  /** The version on the canvas (the head unless the user is looking at another one). */
  viewedId: string | null;
  /** Roots of branches deleted in the UI but not yet on disk (the undo window). */
  hiddenBranches: readonly string[];
  /** A fresh project (or another one): shows its head. */
  openProject(project: OpenProject): void;
  /** A new tree for the open project (after an edit, a rollback, a label…); keeps the viewed version if it still exists. */
  updateTree(tree: ProjectTree, view?: string): void;
  viewVersion(id: string): void;
  hideBranch(id: string): void;
  unhideBranch(id: string): void;
};

export const createProjectSlice: StateCreator<AppState, [], [], ProjectSlice> = (set, get) => ({
  project: null,
  viewedId: null,
  hiddenBranches: [],
  openProject: (project) => set({ project, viewedId: project.head, hiddenBranches: [] }),
  updateTree: (tree, view) => {
    const current = get().project;
    if (!current || current.projectId !== tree.projectId) return;
    const ids = new Set(tree.versions.map((v) => v.id));
    const wanted = view ?? get().viewedId;
    set({
      project: { ...tree, path: current.path },
      viewedId: wanted && ids.has(wanted) ? wanted : tree.head,
      hiddenBranches: get().hiddenBranches.filter((id) => ids.has(id)),
    });
  },
  viewVersion: (id) => {
    const project = get().project;
    if (project?.versions.some((v) => v.id === id)) set({ viewedId: id });
  },
  hideBranch: (id) => {
    if (!get().hiddenBranches.includes(id)) set({ hiddenBranches: [...get().hiddenBranches, id] });
  },
  unhideBranch: (id) => set({ hiddenBranches: get().hiddenBranches.filter((h) => h !== id) }),
});

export const selectViewedVersion = (s: AppState): VersionNode | null =>
  s.project?.versions.find((v) => v.id === s.viewedId) ?? null;

export function findVersion(s: AppState, id: string | null | undefined): VersionNode | null {
  return (id && s.project?.versions.find((v) => v.id === id)) || null;
}

/** One line of the version tree panel. */
export type TreeRow = Readonly<{
  node: VersionNode;
  depth: number;
  isHead: boolean;
  childCount: number;
  /** True when this node is not its parent's first child: it starts a branch. */
  branch: boolean;
  /** Its place among its parent's shown children (1-based, oldest first) and how many there are. */
  sibling: Readonly<{ index: number; count: number }>;
}>;

/**
 * The tree as rows, depth-first with children oldest first (so a branch appears right under the version it
 * grew from), skipping hidden branches. Iterative: a chain of thousands of edits must not overflow the stack.
 */
export function treeRows(project: ProjectTree | null, hidden: readonly string[] = []): TreeRow[] {
  if (!project) return [];
  const hiddenSet = new Set(hidden);
  const children = new Map<string | null, VersionNode[]>();
  const ids = new Set(project.versions.map((v) => v.id));
  for (const v of project.versions) {
    const key = v.parentId && ids.has(v.parentId) ? v.parentId : null;
    const list = children.get(key) ?? [];
    list.push(v);
    children.set(key, list);
  }
  for (const list of children.values()) list.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const rows: TreeRow[] = [];
  type Pending = { node: VersionNode; depth: number; branch: boolean; sibling: TreeRow['sibling'] };
  const roots = (children.get(null) ?? []).filter((r) => !hiddenSet.has(r.id));
  const stack: Pending[] = roots
    .map((node, i) => ({ node, depth: 0, branch: false, sibling: { index: i + 1, count: roots.length } }))
    .reverse();
  while (stack.length > 0) {
    const { node, depth, branch, sibling } = stack.pop()!;
    const kids = (children.get(node.id) ?? []).filter((k) => !hiddenSet.has(k.id));
    rows.push({ node, depth, isHead: node.id === project.head, childCount: kids.length, branch, sibling });
    for (let i = kids.length - 1; i >= 0; i--)
      stack.push({
        node: kids[i]!,
        depth: depth + 1,
        branch: i > 0,
        sibling: { index: i + 1, count: kids.length },
      });
  }
  return rows;
}

/**
 * The line under a version's title, enough to tell siblings apart (issue 13 §4): seed and settings, when it
 * was made, and its place among its siblings when it has any.
 */
export function versionDetail(row: TreeRow, timeOf: (iso: string) => string): string {
  const { node, sibling } = row;
  const made = timeOf(node.createdAt);
  const place = sibling.count > 1 ? ` · ${sibling.index} of ${sibling.count}` : '';
  if (!node.recipe) return `original · ${node.image.width}×${node.image.height} · ${made}${place}`;
  const r = node.recipe;
  return `seed ${r.seed} · ${r.steps} steps · CFG ${r.cfg}${r.region ? ' · region' : ''} · ${made}${place}`;
}

/** `fp32 · cpu`: the precision and execution provider the newest edit of the project really ran with. */
export const selectLastRunModel = (s: AppState): string | null => {
  let newest: VersionNode | null = null;
  for (const v of s.project?.versions ?? []) {
    if (v.recipe && (!newest || v.createdAt > newest.createdAt)) newest = v;
  }
  const options = newest?.recipe?.options;
  if (!options) return null;
  const parts = [options.precision, options.provider].filter((p) => typeof p === 'string' && p);
  return parts.length > 0 ? parts.join(' · ') : null;
};
