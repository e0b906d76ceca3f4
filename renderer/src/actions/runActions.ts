/** Running an edit of the viewed version, retrying a failed one, cancelling (Esc), and reusing a recipe. */
import type { EditSettings } from '../../../electron/shared/contract';
import { MAX_SEED } from '../state/paramsSlice';
import { findVersion } from '../state/projectSlice';
import type { RegionState } from '../state/regionSlice';
import { buildSettings } from './buildSettings';
import { regionFromRecipe } from './recipeRegion';
import type { Decoded, EditorContext } from './editorContext';
import { SHORTCUT } from '../../../electron/shared/shortcuts';
import type { KeyBinding } from './keyBinding';
import type { ViewActions } from './viewActions';

export function createRunActions<T extends Decoded>(ctx: EditorContext<T>, view: ViewActions<T>) {
  const { d } = ctx;
  let jobCounter = 0;
  const newJobId = () => d.newJobId?.() ?? `edit-${Date.now().toString(36)}-${++jobCounter}`;

  async function runWith(parentId: string, settings: EditSettings, startedJobId?: string): Promise<boolean> {
    const project = ctx.s.project;
    if (!project || (!startedJobId && ctx.s.jobStatus !== 'idle')) {
      if (startedJobId) ctx.s.endJob();
      return false;
    }
    const jobId = startedJobId ?? newJobId();
    if (!startedJobId) ctx.s.startJob(jobId, parentId, settings.steps);
    ctx.s.rememberPrompt(settings.prompt);
    d.preview?.begin(jobId);
    try {
      const answer = await d.client.request('edit:run', {
        jobId,
        projectId: project.projectId,
        parentId,
        settings,
      });
      if (!answer.ok) {
        if (answer.error.code === 'CANCELLED') {
          ctx.s.endJob();
          ctx.s.pushNotice({ tone: 'info', title: 'Edit cancelled', message: 'Nothing was added.' });
        } else if (answer.error.code === 'DISK_FULL') {
          // The result is kept on the app side: offer to save it, not to run the edit again.
          ctx.s.endJob();
          const projectId = project.projectId;
          const action = { label: 'Save again', run: () => void actions.saveAgain(projectId) };
          ctx.s.pushNotice({
            tone: 'error',
            title: "The edit wasn't saved",
            message: answer.error.message,
            action,
          });
        } else {
          ctx.s.endJob({ error: answer.error, parentId, settings });
          ctx.fail('The edit failed', answer.error, () => void actions.retry());
        }
        return false;
      }
      ctx.s.updateTree(answer.value.project, answer.value.versionId);
      if (!ctx.s.seedLocked) ctx.s.rollSeed();
      // The result is what the user wants to see: the region's overlay steps aside until asked for.
      ctx.s.setMaskVisible(false);
      // The new version's image is decoded before the job ends, so the final image replaces the preview.
      await view.showVersion(answer.value.versionId);
      return true;
    } finally {
      if (ctx.s.jobId === jobId) ctx.s.endJob(ctx.s.lastFailure ?? undefined);
      d.preview?.end();
    }
  }

  const actions = {
    /** Runs an edit of the viewed version (editing an older one starts a branch). */
    async run(override?: {
      prompt?: string;
      region?: RegionState;
      parentId?: string;
      seed?: number;
    }): Promise<boolean> {
      const s = ctx.s;
      const project = s.project;
      const parentId = override?.parentId ?? s.viewedId ?? project?.head;
      if (!project || !parentId || s.jobStatus !== 'idle') return false;
      const prompt = (override?.prompt ?? s.prompt).trim();
      if (!prompt) {
        s.pushNotice({ tone: 'info', title: 'Nothing to run', message: 'Type an instruction first.' });
        return false;
      }
      const parent = findVersion(s, parentId);
      const source = parent ? { width: parent.image.width, height: parent.image.height } : null;
      // The job starts now (Run disables at once); building the mask may take a moment.
      const jobId = newJobId();
      s.startJob(jobId, parentId, s.steps);
      let settings: EditSettings;
      try {
        settings = await buildSettings(s, source, d.rasterizeMask, { ...override, prompt });
        if (override?.seed !== undefined) settings = { ...settings, seed: override.seed };
      } catch (error) {
        ctx.s.endJob();
        ctx.fail("Couldn't prepare the edit", { code: 'INTERNAL', message: (error as Error).message });
        return false;
      }
      return runWith(parentId, settings, jobId);
    },

    /**
     * Runs `count` seeds in a row from the viewed version (seed, seed+1, …), each a new version under the same
     * parent; stops at the first that does not finish. Returns the new versions in seed order.
     */
    async runSeeds(count: number): Promise<{ parentId: string; ids: string[] } | null> {
      const s = ctx.s;
      const parentId = s.viewedId ?? s.project?.head;
      if (!parentId) return null;
      const first = s.seed;
      // The region as drawn on the parent: showing each result may rescale the store's copy to its size.
      const region = s.region;
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const seed = (first + i) % (MAX_SEED + 1);
        const ok = await actions.run({ parentId, seed, region });
        if (!ok || !ctx.s.viewedId) break;
        ids.push(ctx.s.viewedId);
      }
      return { parentId, ids };
    },

    /**
     * While an edit runs, Run queues another on the app side (it runs when those before it end); its version
     * joins the tree when it is done.
     */
    async enqueue(): Promise<boolean> {
      const s = ctx.s;
      const project = s.project;
      const parentId = s.viewedId ?? project?.head;
      const prompt = s.prompt.trim();
      if (!project || !parentId || !prompt) return false;
      const parent = findVersion(s, parentId);
      const source = parent ? { width: parent.image.width, height: parent.image.height } : null;
      const settings = await buildSettings(s, source, d.rasterizeMask, { prompt });
      s.rememberPrompt(prompt);
      if (!s.seedLocked) s.rollSeed();
      const answer = await d.client.request('edit:run', {
        jobId: newJobId(),
        projectId: project.projectId,
        parentId,
        settings,
      });
      if (answer.ok && ctx.s.project?.projectId === project.projectId) ctx.s.updateTree(answer.value.project);
      else if (!answer.ok && answer.error.code !== 'CANCELLED')
        ctx.fail('A queued edit failed', answer.error);
      return answer.ok;
    },

    /** Takes a waiting job out of the queue, or stops it if it runs. */
    async cancelJob(jobId: string): Promise<void> {
      const answer = await d.client.request('job:cancel', { jobId });
      if (!answer.ok) ctx.fail("Couldn't cancel", answer.error);
    },

    /** Moves a waiting job to `toIndex` among the project's waiting jobs (the list updates on `queue:changed`). */
    async moveJob(jobId: string, toIndex: number): Promise<void> {
      const answer = await d.client.request('queue:move', { jobId, toIndex: Math.max(0, toIndex) });
      if (!answer.ok) ctx.fail("Couldn't move the queued edit", answer.error);
    },

    /** Runs the last failed edit again with the same settings. */
    async retry(): Promise<boolean> {
      const failure = ctx.s.lastFailure;
      if (!failure) return false;
      ctx.s.clearFailure();
      return runWith(failure.parentId, failure.settings);
    },

    /** Saves the edits of a project that finished on a full disk (kept by the app until then). */
    async saveAgain(projectId: string): Promise<boolean> {
      const answer = await d.client.request('edit:saveAgain', { projectId });
      if (!answer.ok) {
        ctx.fail("The edit still wasn't saved", answer.error, () => void actions.saveAgain(projectId));
        return false;
      }
      if (ctx.s.project?.projectId !== projectId) return true;
      ctx.s.updateTree(answer.value.project, answer.value.versionIds.at(-1));
      ctx.s.pushNotice({ tone: 'info', title: 'Saved', message: 'The kept edit is now a version.' });
      return true;
    },

    async cancel(): Promise<void> {
      const s = ctx.s;
      if (s.jobStatus !== 'running' || !s.jobId) return;
      s.requestCancel();
      const answer = await d.client.request('job:cancel', { jobId: s.jobId });
      if (!answer.ok) ctx.fail("Couldn't cancel", answer.error);
    },

    /** Restores a version's recipe into the controls, its region included. */
    async useSettingsOf(versionId: string): Promise<void> {
      const node = findVersion(ctx.s, versionId);
      const project = ctx.s.project;
      if (!node?.recipe || !project) {
        ctx.s.pushNotice({
          tone: 'info',
          title: 'No settings to use',
          message: 'That version is an import.',
        });
        return;
      }
      ctx.s.applyRecipe(node.recipe);
      const drawnOn = node.parentId ? (findVersion(ctx.s, node.parentId)?.image ?? null) : null;
      const region = regionFromRecipe(node.recipe, drawnOn, ctx.s.image);
      if (region !== 'mask') return ctx.s.setRegion(region);
      const answer = await d.client.request('version:regionMask', {
        projectId: project.projectId,
        versionId,
      });
      if (!answer.ok) return ctx.fail("Couldn't restore the region", answer.error);
      if (ctx.s.project?.projectId !== project.projectId) return;
      ctx.s.setRegion({ box: null, strokes: [], base: answer.value });
    },
  };
  return actions;
}

export const RUN_KEYS: KeyBinding<ReturnType<typeof createRunActions>>[] = [
  {
    keyTest: (e, s) => SHORTCUT.cancel.test(e) && s.jobStatus === 'running',
    perform: (a) => void a.cancel(),
    whileTyping: true,
  },
];
