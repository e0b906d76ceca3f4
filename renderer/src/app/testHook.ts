/**
 * A window into the app for the e2e suite, installed only when the page URL has `e2e=1`.
 * It reports state (scale, view, image; pixel checks read the real canvas instead), and carries out the desktop
 * shell's menu commands and opens, which web mode has no menus or dialogs for.
 */
import type Konva from 'konva';
import type { PreviewSink } from '../ui/previewSink';
import type { AppStore } from '../state/appStore';
import { imageToScreen } from '../state/viewTransform';
import type { MenuState } from '../../../electron/shared/menuState';
import type { EventPayload, ShellCommand } from '../../../electron/shared/contract';
import { menuStateOf } from './menuState';
import type { PanelsStore } from './panels';
import type { ShellHandlers } from './shellCommands';

export type QeTestHook = {
  /** The Konva stage's current scale (what is drawn), or null before the stage exists. */
  stageScale(): number | null;
  view(): { scale: number; x: number; y: number };
  image(): { name: string; width: number; height: number; format: string } | null;
  /** Page (client) coordinates of an image pixel's centre, for pointing at it or reading it on the canvas. */
  imagePointToClient(ix: number, iy: number): { x: number; y: number } | null;
  engineState(): string | null;
  /** The open project's tree (head, versions with recipes) and the viewed version. */
  project(): { projectId: string; head: string; viewedId: string | null; versionIds: string[] } | null;
  jobStatus(): string;
  /** Preview frames received for the running job so far (pixels are checked on the canvas itself). */
  previewVersion(): number;
  /** The canvas of a named Konva layer (`image-layer`, `preview-layer`, `region-layer`), to read its pixels. */
  layerCanvas(name: string): HTMLCanvasElement | null;
  /** Carries out a native menu item as Electron's `shell:command` does (web mode has no menus). */
  shellCommand(command: ShellCommand): Promise<void>;
  /** Opens what the shell picked, as Electron's `shell:open` does. */
  shellOpen(target: EventPayload<'shell:open'>): Promise<void>;
  /** What the native menus would be told now (recent projects left out). */
  menuState(): MenuState;
};

declare global {
  interface Window {
    __qeTest?: QeTestHook;
  }
}

export function isTestMode(href: string): boolean {
  return new URL(href).searchParams.get('e2e') === '1';
}

export function installTestHook(
  store: AppStore,
  getStage: () => Konva.Stage | null,
  preview: PreviewSink,
  desktop: { shell: ShellHandlers; panels: PanelsStore },
): void {
  window.__qeTest = {
    stageScale: () => getStage()?.scaleX() ?? null,
    view: () => ({ ...store.getState().view }),
    image: () => {
      const image = store.getState().image;
      return image
        ? { name: image.name, width: image.width, height: image.height, format: image.format }
        : null;
    },
    imagePointToClient: (ix, iy) => {
      const stage = getStage();
      if (!stage) return null;
      const box = stage.container().getBoundingClientRect();
      const p = imageToScreen(store.getState().view, { x: ix + 0.5, y: iy + 0.5 });
      return { x: box.left + p.x, y: box.top + p.y };
    },
    engineState: () => store.getState().engineState,
    project: () => {
      const { project, viewedId } = store.getState();
      return project
        ? {
            projectId: project.projectId,
            head: project.head,
            viewedId,
            versionIds: project.versions.map((v) => v.id),
          }
        : null;
    },
    jobStatus: () => store.getState().jobStatus,
    previewVersion: () => preview.version,
    layerCanvas: (name) => {
      const layer = getStage()?.findOne<Konva.Layer>(`.${name}`);
      return layer ? layer.getNativeCanvasElement() : null;
    },
    shellCommand: (command) => desktop.shell.runCommand(command),
    shellOpen: (target) => desktop.shell.open(target),
    menuState: () => menuStateOf(store.getState(), desktop.panels.getState(), []),
  };
}
