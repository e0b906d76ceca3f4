/**
 * Opening a project, putting a version's image on the canvas (decoded once; the registry keeps it), and the
 * zoom keys (0 fit, 1 100 %, +/- zoom).
 */
import { findVersion, type OpenProject } from '../state/projectSlice';
import { scaleBox, scaleRegion } from '../state/regionSlice';
import { versionKey, type Decoded, type EditorContext } from './editorContext';
import { SHORTCUT } from '../../../electron/shared/shortcuts';
import type { KeyBinding } from './keyBinding';

type Format = 'png' | 'jpeg' | 'webp';

export function createViewActions<T extends Decoded>(ctx: EditorContext<T>) {
  const { d } = ctx;

  function showImage(versionId: string, image: Decoded, format: Format, keepView: boolean): void {
    const project = ctx.s.project;
    if (!project) return;
    const node = findVersion(ctx.s, versionId);
    followRegion(ctx.s.image, image);
    ctx.s.setImage(
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

  /** The region (and the text tool's box) belong to the image content: a version of another size rescales them. */
  function followRegion(shown: { width: number; height: number } | null, next: Decoded): void {
    if (!shown || (shown.width === next.width && shown.height === next.height)) return;
    const sx = next.width / shown.width;
    const sy = next.height / shown.height;
    const s = ctx.s;
    if (s.region.box || s.region.strokes.length > 0 || s.region.grow)
      s.setRegion(scaleRegion(s.region, sx, sy), false);
    if (s.text.box) s.setTextBox(scaleBox(s.text.box, sx, sy));
  }

  const actions = {
    /** Shows a freshly created or opened project, with `headImage` as its head's image when the caller has it. */
    async showProject(project: OpenProject, headImage?: T, format: Format = 'png'): Promise<void> {
      const s = ctx.s;
      void ctx.pendingDeletes.commitAll();
      s.stopCompare();
      s.clearHistory();
      // Nothing of the previous image carries over: its region, text box, size, seed lock, failure, notices.
      s.setRegion({ box: null, strokes: [] }, false);
      s.resetTextTool();
      s.resetImageParams();
      s.clearFailure();
      s.clearNotices();
      s.closeVariations();
      s.openProject(project);
      // Jobs queued before a reload are still waiting on the app side.
      s.setQueue([]);
      void d.client.request('queue:list', { projectId: project.projectId }).then((answer) => {
        if (answer.ok && ctx.s.project?.projectId === project.projectId) ctx.s.setQueue(answer.value.jobs);
      });
      if (headImage) {
        d.images.replaceAll(versionKey(project.projectId, project.head), headImage);
        showImage(project.head, headImage, format, false);
      } else {
        await actions.showVersion(project.head, false);
      }
    },

    /** Decodes a version's full image (once; the registry keeps recent ones). */
    async ensureImage(versionId: string): Promise<T | null> {
      const project = ctx.s.project;
      if (!project) return null;
      const key = versionKey(project.projectId, versionId);
      const have = d.images.get(key);
      if (have) return have;
      const answer = await d.client.request('version:image', {
        projectId: project.projectId,
        versionId,
        thumbnail: false,
      });
      if (!answer.ok) {
        ctx.fail(
          "Couldn't load the version's image",
          answer.error,
          () => void actions.showVersion(versionId),
        );
        return null;
      }
      const decoded = await d.decode(answer.value.bytes, answer.value.mime);
      if (ctx.s.project?.projectId !== project.projectId) {
        decoded.close();
        return null;
      }
      d.images.put(key, decoded);
      return decoded;
    },

    /** Puts a version on the canvas (the head stays where it is). */
    async showVersion(versionId: string, keepView = true): Promise<void> {
      ctx.s.viewVersion(versionId);
      const image = await actions.ensureImage(versionId);
      if (!image || ctx.s.viewedId !== versionId) return;
      const { project, compareA, compareB } = ctx.s;
      const compare = [compareA, compareB].filter((v): v is string => !!v);
      d.images.pin([versionId, ...compare].map((v) => versionKey(project!.projectId, v)));
      showImage(versionId, image, 'png', keepView);
    },

    async openRecent(path: string): Promise<void> {
      const answer = await d.client.request('project:open', { path });
      if (!answer.ok)
        return ctx.fail("Couldn't open the project", answer.error, () => void actions.openRecent(path));
      await actions.showProject(answer.value);
      const { issues } = answer.value.report;
      // What recovery repaired or could not recover is named here, never only in a log.
      if (issues.length > 0)
        ctx.s.pushNotice({ tone: 'error', title: 'This project was damaged', message: issues.join(' ') });
    },
  };
  return actions;
}

export type ViewActions<T extends Decoded> = ReturnType<typeof createViewActions<T>>;

/** Keyboard zoom steps by the same factor as one wheel notch. */
const KEY_ZOOM = 1.25;

export const VIEW_KEYS: KeyBinding<unknown>[] = [
  { keyTest: (e) => SHORTCUT.zoomFit.test(e), perform: (_, s) => s.fitToView() },
  { keyTest: (e) => SHORTCUT.zoomActual.test(e), perform: (_, s) => s.zoomToActual() },
  { keyTest: (e) => SHORTCUT.zoomIn.test(e), perform: (_, s) => s.zoomBy(KEY_ZOOM) },
  { keyTest: (e) => SHORTCUT.zoomOut.test(e), perform: (_, s) => s.zoomBy(1 / KEY_ZOOM) },
];
