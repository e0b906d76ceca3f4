/**
 * The editor's actions: everything that talks to the app side (projects, versions, edits, export) and keeps
 * the store and the decoded images in step with the answers. Components call these; the store stays pure.
 */
import type { ContractClient } from '../../../electron/shared/client';
import type { EditSettings } from '../../../electron/shared/contract';
import type { AppError } from '../../../electron/shared/result';
import type { AppStore } from '../state/appStore';
import type { HistoryEntry } from '../state/historySlice';
import { findVersion, subtreeIds, type OpenProject } from '../state/projectSlice';
import type { RegionState } from '../state/regionSlice';
import type { PreviewSink } from '../ui/previewSink';
import type { Closable, ImageRegistry } from '../ui/imageRegistry';
import { buildSettings, type MaskRasterizer } from './buildSettings';

export type Decoded = Closable & { width: number; height: number };

export type EditorDeps<T extends Decoded> = {
  client: Pick<ContractClient, 'request' | 'on'>;
  store: AppStore;
  images: ImageRegistry<T>;
  decode(bytes: Uint8Array, mimeType: string): Promise<T>;
  preview?: PreviewSink;
  rasterizeMask: MaskRasterizer;
  /** Saves bytes as a file (a Blob URL and `<a download>` in the page). */
  download?(bytes: Uint8Array, fileName: string, mime: string): void;
  /** Puts a PNG on the clipboard. */
  copyImage?(png: Uint8Array): Promise<void>;
  /** How long a deleted branch can be brought back before it is deleted on disk. */
  undoWindowMs?: number;
  newJobId?(): string;
};

export const versionKey = (projectId: string, versionId: string) => `${projectId}/${versionId}`;

export class Editor<T extends Decoded = ImageBitmap> {
  readonly #d: EditorDeps<T>;
  #pendingDeletes = new Map<string, { timer: ReturnType<typeof setTimeout>; commit: () => Promise<void> }>();
  #jobCounter = 0;

  constructor(deps: EditorDeps<T>) {
    this.#d = deps;
    deps.client.on('job:progress', (e) => deps.store.getState().applyProgress(e));
    // Another window (or a replay) changed the open project: show its new tree.
    deps.client.on('project:changed', (tree) => deps.store.getState().updateTree(tree));
  }

  get #s() {
    return this.#d.store.getState();
  }

  #fail(title: string, error: AppError, retry?: () => void): void {
    this.#s.pushNotice({
      tone: 'error',
      title,
      message: error.message || error.code,
      ...(retry ? { action: { label: 'Retry', run: retry } } : {}),
    });
  }

  /** Shows a freshly created or opened project, with `bitmap` as its head's image when the caller has it. */
  async showProject(
    project: OpenProject,
    headImage?: T,
    format: 'png' | 'jpeg' | 'webp' = 'png',
  ): Promise<void> {
    const s = this.#s;
    this.#flushDeletes();
    s.stopCompare();
    s.clearHistory();
    s.setRegion({ box: null, strokes: [] }, false);
    s.openProject(project);
    if (headImage) {
      this.#d.images.replaceAll(versionKey(project.projectId, project.head), headImage);
      this.#showImage(project.head, headImage, format, false);
    } else {
      await this.showVersion(project.head, false);
    }
  }

  #showImage(versionId: string, image: Decoded, format: 'png' | 'jpeg' | 'webp', keepView: boolean): void {
    const s = this.#s;
    const project = s.project;
    if (!project) return;
    const node = findVersion(s, versionId);
    s.setImage(
      {
        id: versionKey(project.projectId, versionId),
        name: node?.label || (node?.sourceName ?? project.name),
        width: image.width,
        height: image.height,
        format,
        byteLength: 0,
      },
      { keepView },
    );
  }

  /** Decodes a version's full image (once; the registry keeps recent ones). */
  async ensureImage(versionId: string): Promise<T | null> {
    const project = this.#s.project;
    if (!project) return null;
    const key = versionKey(project.projectId, versionId);
    const have = this.#d.images.get(key);
    if (have) return have;
    const answer = await this.#d.client.request('version:image', {
      projectId: project.projectId,
      versionId,
      thumbnail: false,
    });
    if (!answer.ok) {
      this.#fail("Couldn't load the version's image", answer.error, () => void this.showVersion(versionId));
      return null;
    }
    const decoded = await this.#d.decode(answer.value.bytes, answer.value.mime);
    if (this.#s.project?.projectId !== project.projectId) {
      decoded.close();
      return null;
    }
    this.#d.images.put(key, decoded);
    return decoded;
  }

  /** Puts a version on the canvas (the head stays where it is). */
  async showVersion(versionId: string, keepView = true): Promise<void> {
    this.#s.viewVersion(versionId);
    const image = await this.ensureImage(versionId);
    if (!image || this.#s.viewedId !== versionId) return;
    const project = this.#s.project!;
    const compare = [this.#s.compareA, this.#s.compareB].filter((v): v is string => !!v);
    this.#d.images.pin([versionId, ...compare].map((v) => versionKey(project.projectId, v)));
    this.#showImage(versionId, image, 'png', keepView);
  }

  /** Rollback (or forward): the version becomes the head; nothing is deleted. */
  async makeHead(versionId: string, record = true): Promise<boolean> {
    const project = this.#s.project;
    if (!project || project.head === versionId) return false;
    const before = project.head;
    const answer = await this.#d.client.request('version:checkout', {
      projectId: project.projectId,
      versionId,
    });
    if (!answer.ok) {
      this.#fail("Couldn't make that version the head", answer.error, () => void this.makeHead(versionId));
      return false;
    }
    this.#s.updateTree(answer.value, versionId);
    if (record) this.#s.recordHistory({ kind: 'head', label: 'head move', before, after: versionId });
    await this.showVersion(versionId);
    return true;
  }

  async setLabel(versionId: string, label: string | null, record = true): Promise<void> {
    const project = this.#s.project;
    const node = findVersion(this.#s, versionId);
    if (!project || !node) return;
    const text = label?.trim() ? label.trim().slice(0, 200) : null;
    if (text === node.label) return;
    const answer = await this.#d.client.request('version:label', {
      projectId: project.projectId,
      versionId,
      label: text,
    });
    if (!answer.ok) return this.#fail("Couldn't label the version", answer.error);
    this.#s.updateTree(answer.value);
    if (record)
      this.#s.recordHistory({ kind: 'label', label: 'label', versionId, before: node.label, after: text });
  }

  /**
   * Deletes a branch with an undo window: it disappears at once and is deleted on disk (its files go to the
   * project's trash) only when the window closes, or when another project is opened.
   */
  async deleteBranch(versionId: string): Promise<void> {
    const s = this.#s;
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
    if (doomed.has(project.head) && !(await this.makeHead(node.parentId, false))) return;
    if (s.viewedId && doomed.has(s.viewedId)) await this.showVersion(node.parentId);
    this.#s.hideBranch(versionId);
    const commit = async () => {
      this.#pendingDeletes.delete(versionId);
      const p = this.#s.project;
      this.#s.forgetHistory((e) => e.kind === 'delete' && e.versionId === versionId);
      if (!p || p.projectId !== project.projectId) return;
      const answer = await this.#d.client.request('version:deleteBranch', {
        projectId: p.projectId,
        versionId,
      });
      if (answer.ok) this.#s.updateTree(answer.value);
      else {
        this.#s.unhideBranch(versionId);
        this.#fail("Couldn't delete the branch", answer.error);
      }
    };
    this.#pendingDeletes.set(versionId, {
      timer: setTimeout(() => void commit(), this.#d.undoWindowMs ?? 10_000),
      commit,
    });
    const count = doomed.size;
    this.#s.recordHistory({ kind: 'delete', label: 'delete branch', versionId, headBefore });
    this.#s.pushNotice({
      tone: 'info',
      title: count === 1 ? 'Version deleted' : `Branch of ${count} versions deleted`,
      message: 'Its files go to the project trash.',
      action: { label: 'Undo', run: () => void this.undo() },
    });
  }

  /** Brings back a branch whose deletion is still pending; false once it is gone. */
  async #restoreBranch(versionId: string, headBefore: string): Promise<boolean> {
    const pending = this.#pendingDeletes.get(versionId);
    if (!pending) return false;
    clearTimeout(pending.timer);
    this.#pendingDeletes.delete(versionId);
    this.#s.unhideBranch(versionId);
    if (this.#s.project?.head !== headBefore) await this.makeHead(headBefore, false);
    return true;
  }

  #flushDeletes(): void {
    for (const { timer, commit } of this.#pendingDeletes.values()) {
      clearTimeout(timer);
      void commit();
    }
  }

  /** Runs pending deletions now (tests, and before the window closes). */
  async commitPendingDeletes(): Promise<void> {
    const all = [...this.#pendingDeletes.values()];
    for (const { timer } of all) clearTimeout(timer);
    await Promise.all(all.map((p) => p.commit()));
  }

  async undo(): Promise<void> {
    const entry = this.#s.takeUndo();
    if (entry) await this.#apply(entry, 'undo');
  }

  async redo(): Promise<void> {
    const entry = this.#s.takeRedo();
    if (entry) await this.#apply(entry, 'redo');
  }

  async #apply(entry: HistoryEntry, direction: 'undo' | 'redo'): Promise<void> {
    const undo = direction === 'undo';
    switch (entry.kind) {
      case 'region':
        return;
      case 'label':
        return this.setLabel(entry.versionId, undo ? entry.before : entry.after, false);
      case 'head':
        await this.makeHead(undo ? entry.before : entry.after, false);
        return;
      case 'delete':
        if (undo) await this.#restoreBranch(entry.versionId, entry.headBefore);
        else {
          this.#s.forgetHistory((e) => e === entry);
          await this.deleteBranch(entry.versionId);
        }
    }
  }

  /** Runs an edit of the viewed version (editing an older one starts a branch). */
  async run(override?: { prompt?: string; region?: RegionState }): Promise<boolean> {
    const s = this.#s;
    const project = s.project;
    const parentId = s.viewedId ?? project?.head;
    if (!project || !parentId || s.jobStatus !== 'idle') return false;
    const prompt = (override?.prompt ?? s.prompt).trim();
    if (!prompt) {
      s.pushNotice({ tone: 'info', title: 'Nothing to run', message: 'Type an instruction first.' });
      return false;
    }
    const parent = findVersion(s, parentId);
    const source = parent ? { width: parent.image.width, height: parent.image.height } : null;
    // The job starts now (Run disables at once); building the mask may take a moment.
    const jobId = this.#newJobId();
    s.startJob(jobId, parentId, s.steps);
    let settings: EditSettings;
    try {
      settings = await buildSettings(s, source, this.#d.rasterizeMask, { ...override, prompt });
    } catch (error) {
      this.#s.endJob();
      this.#fail("Couldn't prepare the edit", { code: 'INTERNAL', message: (error as Error).message });
      return false;
    }
    return this.#runWith(parentId, settings, jobId);
  }

  #newJobId(): string {
    return this.#d.newJobId?.() ?? `edit-${Date.now().toString(36)}-${++this.#jobCounter}`;
  }

  async #runWith(parentId: string, settings: EditSettings, startedJobId?: string): Promise<boolean> {
    const project = this.#s.project;
    if (!project || (!startedJobId && this.#s.jobStatus !== 'idle')) {
      if (startedJobId) this.#s.endJob();
      return false;
    }
    const jobId = startedJobId ?? this.#newJobId();
    if (!startedJobId) this.#s.startJob(jobId, parentId, settings.steps);
    this.#s.rememberPrompt(settings.prompt);
    this.#d.preview?.begin(jobId);
    try {
      const answer = await this.#d.client.request('edit:run', {
        jobId,
        projectId: project.projectId,
        parentId,
        settings,
      });
      if (!answer.ok) {
        if (answer.error.code === 'CANCELLED') {
          this.#s.endJob();
          this.#s.pushNotice({ tone: 'info', title: 'Edit cancelled', message: 'Nothing was added.' });
        } else {
          this.#s.endJob({ error: answer.error, parentId, settings });
          this.#fail('The edit failed', answer.error, () => void this.retry());
        }
        return false;
      }
      this.#s.updateTree(answer.value.project, answer.value.versionId);
      if (!this.#s.seedLocked) this.#s.rollSeed();
      // The new version's image is decoded before the job ends, so the final image replaces the preview.
      await this.showVersion(answer.value.versionId);
      return true;
    } finally {
      if (this.#s.jobId === jobId) this.#s.endJob(this.#s.lastFailure ?? undefined);
      this.#d.preview?.end();
    }
  }

  /** Runs the last failed edit again with the same settings. */
  async retry(): Promise<boolean> {
    const failure = this.#s.lastFailure;
    if (!failure) return false;
    this.#s.clearFailure();
    return this.#runWith(failure.parentId, failure.settings);
  }

  async cancel(): Promise<void> {
    const s = this.#s;
    if (s.jobStatus !== 'running' || !s.jobId) return;
    s.requestCancel();
    const answer = await this.#d.client.request('job:cancel', { jobId: s.jobId });
    if (!answer.ok) this.#fail("Couldn't cancel", answer.error);
  }

  /** Restores a version's recipe into the controls. */
  useSettingsOf(versionId: string): void {
    const node = findVersion(this.#s, versionId);
    if (!node?.recipe) {
      this.#s.pushNotice({
        tone: 'info',
        title: 'No settings to use',
        message: 'That version is an import.',
      });
      return;
    }
    this.#s.applyRecipe(node.recipe);
  }

  async exportVersion(versionId: string, format: 'png' | 'jpeg' | 'webp'): Promise<void> {
    const project = this.#s.project;
    if (!project) return;
    const answer = await this.#d.client.request('version:export', {
      projectId: project.projectId,
      versionId,
      format,
    });
    if (!answer.ok)
      return this.#fail("Couldn't export", answer.error, () => void this.exportVersion(versionId, format));
    this.#d.download?.(answer.value.bytes, answer.value.fileName, answer.value.mime);
  }

  async copyVersion(versionId: string): Promise<void> {
    const project = this.#s.project;
    if (!project) return;
    const answer = await this.#d.client.request('version:export', {
      projectId: project.projectId,
      versionId,
      format: 'png',
    });
    if (!answer.ok) return this.#fail("Couldn't copy", answer.error);
    try {
      await this.#d.copyImage?.(answer.value.bytes);
      this.#s.pushNotice({ tone: 'info', title: 'Copied', message: 'The image is on the clipboard.' });
    } catch (error) {
      this.#fail("Couldn't copy", { code: 'INTERNAL', message: (error as Error).message });
    }
  }

  /** Starts comparing two versions and asks the app side which pixels differ. */
  async compare(mode: 'slider' | 'side', a: string, b: string): Promise<void> {
    const s = this.#s;
    const project = s.project;
    if (!project) return;
    s.startCompare(mode, a, b);
    s.setDiff(null);
    this.#d.images.pin([a, b, s.viewedId ?? b].map((v) => versionKey(project.projectId, v)));
    await Promise.all([this.ensureImage(a), this.ensureImage(b)]);
    const answer = await this.#d.client.request('version:diff', { projectId: project.projectId, a, b });
    if (this.#s.compareA !== a || this.#s.compareB !== b) return;
    if (!answer.ok) {
      this.#s.setDiff(null, answer.error.message);
      return;
    }
    const { changedFraction, width, height, maskPng } = answer.value;
    const mask = await this.#d.decode(maskPng, 'image/png');
    this.#d.images.put(`diff:${a}:${b}`, mask);
    this.#s.setDiff({ a, b, changedFraction, width, height });
  }

  async openRecent(path: string): Promise<void> {
    const answer = await this.#d.client.request('project:open', { path });
    if (!answer.ok)
      return this.#fail("Couldn't open the project", answer.error, () => void this.openRecent(path));
    await this.showProject(answer.value);
  }
}
