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
  const stack: { node: VersionNode; depth: number; branch: boolean }[] = (children.get(null) ?? [])
    .map((node) => ({ node, depth: 0, branch: false }))
    .reverse();
  while (stack.length > 0) {
    const { node, depth, branch } = stack.pop()!;
    if (hiddenSet.has(node.id)) continue;
    const kids = (children.get(node.id) ?? []).filter((k) => !hiddenSet.has(k.id));
    rows.push({ node, depth, isHead: node.id === project.head, childCount: kids.length, branch });
    for (let i = kids.length - 1; i >= 0; i--)
      stack.push({ node: kids[i]!, depth: depth + 1, branch: i > 0 });
  }
  return rows;
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
