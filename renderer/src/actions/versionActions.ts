/**
 * Changes to the version tree: rollback (the head moves), labels, deleting a branch with an undo window, and
 * undo/redo of those canvas-level changes (Ctrl/Cmd+Z, Ctrl/Cmd+Shift+Z or Ctrl/Cmd+Y).
 */
import type { HistoryEntry } from '../state/historySlice';
import { findVersion, subtreeIds } from '../state/projectSlice';
import type { Decoded, EditorContext } from './editorContext';
import { SHORTCUT } from '../../../electron/shared/shortcuts';
import type { KeyBinding } from './keyBinding';
import type { ViewActions } from './viewActions';

export function createVersionActions<T extends Decoded>(ctx: EditorContext<T>, view: ViewActions<T>) {
  const { d } = ctx;

  async function apply(entry: HistoryEntry, undo: boolean): Promise<void> {
    switch (entry.kind) {
      case 'region':
        return;
      case 'label':
        return actions.setLabel(entry.versionId, undo ? entry.before : entry.after, false);
      case 'head':
        await actions.makeHead(undo ? entry.before : entry.after, false);
        return;
      case 'delete':
        if (undo) {
          // Brings the branch back while its deletion is still pending; once it ran there is nothing to undo.
          if (!ctx.pendingDeletes.take(entry.versionId)) return;
          ctx.s.unhideBranch(entry.versionId);
          if (ctx.s.project?.head !== entry.headBefore) await actions.makeHead(entry.headBefore, false);
        } else {
          ctx.s.forgetHistory((e) => e === entry);
          await actions.deleteBranch(entry.versionId);
        }
    }
  }

  const actions = {
    /** Rollback (or forward): the version becomes the head; nothing is deleted. */
    async makeHead(versionId: string, record = true): Promise<boolean> {
      const project = ctx.s.project;
      if (!project || project.head === versionId) return false;
      const before = project.head;
      const answer = await d.client.request('version:checkout', { projectId: project.projectId, versionId });
      if (!answer.ok) {
        ctx.fail("Couldn't make that version the head", answer.error, () => void actions.makeHead(versionId));
        return false;
      }
      ctx.s.updateTree(answer.value, versionId);
      if (record) ctx.s.recordHistory({ kind: 'head', label: 'head move', before, after: versionId });
      await view.showVersion(versionId);
      return true;
    },

    async setLabel(versionId: string, label: string | null, record = true): Promise<void> {
      const project = ctx.s.project;
      const node = findVersion(ctx.s, versionId);
      if (!project || !node) return;
      const text = label?.trim() ? label.trim().slice(0, 200) : null;
      if (text === node.label) return;
      const answer = await d.client.request('version:label', {
        projectId: project.projectId,
        versionId,
        label: text,
      });
      if (!answer.ok) return ctx.fail("Couldn't label the version", answer.error);
      ctx.s.updateTree(answer.value);
      if (record)
        ctx.s.recordHistory({ kind: 'label', label: 'label', versionId, before: node.label, after: text });
    },

    /**
     * Deletes a branch with an undo window: it disappears at once and is deleted on disk (its files go to the
     * project's trash) only when the window closes, or when another project is opened.
     */
    async deleteBranch(versionId: string): Promise<void> {
      const s = ctx.s;
      const project = s.project;
      const node = findVersion(s, versionId);
      if (!project || !node) return;
      if (!node.parentId) {
        s.pushNotice({
          tone: 'info',
          title: "The original can't be deleted",
          message: 'Delete its edits instead.',
        });
        return;
      }
      const doomed = subtreeIds(project, versionId);
      const headBefore = project.head;
      if (doomed.has(project.head) && !(await actions.makeHead(node.parentId, false))) return;
      if (s.viewedId && doomed.has(s.viewedId)) await view.showVersion(node.parentId);
      ctx.s.hideBranch(versionId);
      ctx.pendingDeletes.add(versionId, d.undoWindowMs ?? 10_000, async () => {
        const p = ctx.s.project;
        ctx.s.forgetHistory((e) => e.kind === 'delete' && e.versionId === versionId);
        if (!p || p.projectId !== project.projectId) return;
        const answer = await d.client.request('version:deleteBranch', { projectId: p.projectId, versionId });
        if (answer.ok) ctx.s.updateTree(answer.value);
        else {
          ctx.s.unhideBranch(versionId);
          ctx.fail("Couldn't delete the branch", answer.error);
        }
      });
      const count = doomed.size;
      ctx.s.recordHistory({ kind: 'delete', label: 'delete branch', versionId, headBefore });
      ctx.s.pushNotice({
        tone: 'info',
        title: count === 1 ? 'Version deleted' : `Branch of ${count} versions deleted`,
        message: 'Its files go to the project trash.',
        action: { label: 'Undo', run: () => void actions.undo() },
      });
    },

    /** Runs pending deletions now (tests, and before the window closes). */
    commitPendingDeletes: () => ctx.pendingDeletes.commitAll(),

    async undo(): Promise<void> {
      const entry = ctx.s.takeUndo();
      if (entry) await apply(entry, true);
    },

    async redo(): Promise<void> {
      const entry = ctx.s.takeRedo();
      if (entry) await apply(entry, false);
    },
  };
  return actions;
}

type VersionActions = ReturnType<typeof createVersionActions>;

export const VERSION_KEYS: KeyBinding<VersionActions>[] = [
  { keyTest: (e) => SHORTCUT.undo.test(e), perform: (a) => void a.undo() },
  { keyTest: (e) => SHORTCUT.redo.test(e), perform: (a) => void a.redo() },
];
