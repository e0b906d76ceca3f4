/**
 * Variations (issue 13 §1): Run with a batch count above one makes that many seeds from the viewed version and
 * opens the grid of results; keeping some deletes the others from the tree (they were never wanted as
 * versions), and the first kept one becomes the head.
 */
import type { Decoded, EditorContext } from './editorContext';
import type { KeyBinding } from './keyBinding';
import type { createRunActions } from './runActions';
import type { ViewActions } from './viewActions';

type RunActions = Pick<ReturnType<typeof createRunActions>, 'run' | 'runSeeds' | 'enqueue'>;

export function createVariationActions<T extends Decoded>(
  ctx: EditorContext<T>,
  view: ViewActions<T>,
  run: RunActions,
) {
  const { d } = ctx;
  const actions = {
    /** Run: one edit, or the batch count's seeds into the variations grid. */
    async runBatch(): Promise<boolean> {
      if (ctx.s.jobStatus !== 'idle') return run.enqueue();
      const count = ctx.s.batchCount;
      if (count <= 1) return run.run();
      const made = await run.runSeeds(count);
      if (!made || made.ids.length === 0) return false;
      ctx.s.showVariations(made.parentId, made.ids);
      return true;
    },

    /** Keeps the picked variations (the focused one when none is picked) and deletes the rest. */
    async keepVariations(): Promise<void> {
      const grid = ctx.s.variations;
      const project = ctx.s.project;
      if (!grid || !project) return;
      const keep = grid.picked.length > 0 ? grid.picked : [grid.ids[grid.focus]!];
      const discard = grid.ids.filter((id) => !keep.includes(id));
      ctx.s.closeVariations();
      if (project.head !== keep[0]) {
        const moved = await d.client.request('version:checkout', {
          projectId: project.projectId,
          versionId: keep[0]!,
        });
        if (!moved.ok) return ctx.fail("Couldn't keep the variations", moved.error);
        ctx.s.updateTree(moved.value, keep[0]);
      }
      await view.showVersion(keep[0]!);
      for (const versionId of discard) {
        const answer = await d.client.request('version:deleteBranch', {
          projectId: project.projectId,
          versionId,
        });
        if (!answer.ok) return ctx.fail("Couldn't discard a variation", answer.error);
        ctx.s.updateTree(answer.value);
      }
    },

    /** Closes the grid keeping every variation as a version. */
    keepAllVariations(): void {
      ctx.s.closeVariations();
    },
  };
  return actions;
}

type VariationActions = ReturnType<typeof createVariationActions>;

/** In the grid: arrows browse, Space picks, Enter keeps, Esc keeps all and closes. */
export const VARIATION_KEYS: KeyBinding<VariationActions>[] = [
  { keyTest: (e, s) => !!s.variations && e.key === 'ArrowRight', perform: (_, s) => s.moveFocus(1) },
  { keyTest: (e, s) => !!s.variations && e.key === 'ArrowLeft', perform: (_, s) => s.moveFocus(-1) },
  {
    keyTest: (e, s) => !!s.variations && e.key === ' ',
    perform: (_, s) => s.togglePick(s.variations!.ids[s.variations!.focus]!),
  },
  { keyTest: (e, s) => !!s.variations && e.key === 'Enter', perform: (a) => void a.keepVariations() },
];
