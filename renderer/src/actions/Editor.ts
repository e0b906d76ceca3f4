/**
 * The editor's actions: everything that talks to the app side (projects, versions, edits, export) and keeps
 * the store and the decoded images in step with the answers. Components call these; the store stays pure.
 */
import { createCaptionActions } from './captionActions';
import { createEditorContext, type Decoded, type EditorDeps } from './editorContext';
import { createEnhanceActions } from './enhanceActions';
import { createExportActions } from './exportActions';
import { createPictureActions } from './pictureActions';
import { createReplayActions } from './replayActions';
import { createRunActions } from './runActions';
import { createVariationActions } from './variationActions';
import { createVersionActions } from './versionActions';
import { createViewActions } from './viewActions';

export function createEditor<T extends Decoded = ImageBitmap>(deps: EditorDeps<T>) {
  const ctx = createEditorContext(deps);
  deps.client.on('job:progress', (e) => ctx.s.applyProgress(e));
  // Another window (or a replay) changed the open project: show its new tree.
  deps.client.on('project:changed', (tree) => ctx.s.updateTree(tree));
  deps.client.on('queue:changed', (e) => {
    if (e.projectId === ctx.s.project?.projectId) ctx.s.setQueue(e.jobs);
  });
  const view = createViewActions(ctx);
  const run = createRunActions(ctx, view);
  const pictures = createPictureActions(ctx);
  return {
    ...view,
    ...createVersionActions(ctx, view),
    ...run,
    ...pictures,
    ...createReplayActions(ctx),
    /** Restores a version's recipe into the controls, its reference images beside the canvas. */
    useSettingsOf(versionId: string): void {
      run.useSettingsOf(versionId);
      void pictures.restoreReferences(versionId);
    },
    ...createVariationActions(ctx, view, run),
    ...createExportActions(ctx, view),
    ...createEnhanceActions(ctx),
    ...createCaptionActions(ctx),
  };
}

export type Editor<T extends Decoded = ImageBitmap> = ReturnType<typeof createEditor<T>>;
