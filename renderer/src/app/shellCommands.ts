/**
 * The page's end of the native menus: carries out the menu items main sends as `shell:command` (by the
 * shared shortcut table's id) and opens what the shell picked (`shell:open`: a dialog's pick, a drop, the
 * command line). Web mode has no menus; its e2e suite drives these same functions through the test hook.
 */
import type { ContractClient } from '../../../electron/shared/client';
import type { EventPayload, ShellCommand } from '../../../electron/shared/contract';
import {
  EXPORT_COMMANDS,
  type ExportFormat,
  type PageCommandId,
} from '../../../electron/shared/shellCommands';
import type { Editor } from '../actions/Editor';
import type { ImageOpener } from '../actions/openImageFile';
import { TOOLS } from '../actions/tools';
import { SHORTCUT, type KeyLike } from '../../../electron/shared/shortcuts';
import type { AppState, AppStore } from '../state/appStore';
import type { PanelsStore } from './panels';

/** Menu zoom steps by the same factor as the + and - keys. */
const MENU_ZOOM = 1.25;
/** Run ▸ Variations… with a batch count of one makes this many seeds (the count stays for the next Run). */
export const MENU_VARIATIONS = 4;

export type ShellDeps = {
  store: AppStore;
  editor: Pick<Editor, 'undo' | 'redo' | 'runBatch' | 'cancel' | 'compare' | 'exportVersion' | 'openRecent'>;
  client: Pick<ContractClient, 'request'>;
  /** Opens checked bytes as a new project (the image opener, not the drop hand-off). */
  openImage: ImageOpener;
  panels: PanelsStore;
  showShortcuts(): void;
};

type Perform = (deps: ShellDeps, s: AppState, command: ShellCommand) => unknown;

const viewed = (s: AppState) => s.viewedId ?? s.project?.head ?? null;
const exportTo =
  (format: ExportFormat): Perform =>
  (deps, s, command) =>
    exportViewed(deps, s, format, command.path);
const tool = (id: PageCommandId): Perform => {
  const entry = TOOLS.find((t) => t.shortcut === id)!;
  return (_, s) => s.project && s.setTool(entry.tool);
};

/** One entry per id the page carries out: the type makes a new table id without one fail to compile. */
const PERFORM: Record<PageCommandId, Perform> = {
  exportPng: exportTo(EXPORT_COMMANDS.exportPng),
  exportJpeg: exportTo(EXPORT_COMMANDS.exportJpeg),
  exportWebp: exportTo(EXPORT_COMMANDS.exportWebp),
  undo: ({ editor }) => editor.undo(),
  redo: ({ editor }) => editor.redo(),
  zoomIn: (_, s) => s.zoomBy(MENU_ZOOM),
  zoomOut: (_, s) => s.zoomBy(1 / MENU_ZOOM),
  zoomFit: (_, s) => s.fitToView(),
  zoomActual: (_, s) => s.zoomToActual(),
  compare: ({ editor }, s) => {
    if (s.compareMode !== 'off') return s.stopCompare();
    const id = viewed(s);
    const parentId = s.project?.versions.find((v) => v.id === id)?.parentId;
    if (id && parentId) return editor.compare('slider', parentId, id);
  },
  toggleVersions: ({ panels }) => panels.getState().toggle('versions'),
  toggleEdit: ({ panels }) => panels.getState().toggle('edit'),
  run: ({ editor }) => editor.runBatch(),
  cancel: ({ editor }, s) => {
    if (s.jobStatus === 'running') return editor.cancel();
    if (s.compareMode !== 'off') s.stopCompare();
  },
  variations: ({ editor }, s) => {
    if (s.batchCount <= 1) s.setBatchCount(MENU_VARIATIONS);
    return editor.runBatch();
  },
  toolMove: tool('toolMove'),
  toolBox: tool('toolBox'),
  toolBrush: tool('toolBrush'),
  toolErase: tool('toolErase'),
  toolLasso: tool('toolLasso'),
  toolText: tool('toolText'),
  shortcuts: ({ showShortcuts }) => showShortcuts(),
};

/**
 * Menu items whose keys only the menus bind (Ctrl+1, Ctrl+2): web mode has no menus, so the page binds them
 * there. In Electron the menu's accelerator sends the command instead.
 */
const MENU_ONLY_KEYS = ['toggleVersions', 'toggleEdit'] as const satisfies readonly PageCommandId[];

export function menuOnlyKeyCommand(e: KeyLike): PageCommandId | null {
  return MENU_ONLY_KEYS.find((id) => SHORTCUT[id].test(e)) ?? null;
}

export function createShellHandlers(deps: ShellDeps) {
  return {
    /** Carries out a menu item; ids main answers itself (dialogs, Close, Quit) are not the page's and do nothing. */
    async runCommand(command: ShellCommand): Promise<void> {
      if (!Object.hasOwn(PERFORM, command.id)) return;
      await PERFORM[command.id as PageCommandId](deps, deps.store.getState(), command);
    },

    /** Opens what the shell picked: a project folder by its path, an image by reading it through main. */
    async open(target: EventPayload<'shell:open'>): Promise<void> {
      if (target.kind === 'project') return deps.editor.openRecent(target.path);
      const read = await deps.client.request('shell:readPicked', { path: target.path });
      if (!read.ok) {
        deps.store.getState().pushNotice({
          tone: 'error',
          title: `Couldn't open ${fileName(target.path)}`,
          message: read.error.message,
        });
        return;
      }
      const { name, bytes } = read.value;
      await deps.openImage({
        name,
        size: bytes.byteLength,
        arrayBuffer: async () => bytes.slice().buffer,
      });
    },
  };
}

export type ShellHandlers = ReturnType<typeof createShellHandlers>;

/**
 * File ▸ Export: the viewed version, to the file main's save dialog picked (Electron), or as a download when
 * no path came with the command (web mode).
 */
async function exportViewed(
  deps: ShellDeps,
  s: AppState,
  format: ExportFormat,
  path?: string,
): Promise<void> {
  const project = s.project;
  const versionId = viewed(s);
  if (!project || !versionId) return;
  if (!path) return deps.editor.exportVersion(versionId, format);
  const fail = (message: string) =>
    deps.store.getState().pushNotice({ tone: 'error', title: "Couldn't export", message });
  const made = await deps.client.request('version:export', {
    projectId: project.projectId,
    versionId,
    format,
  });
  if (!made.ok) return void fail(made.error.message);
  const written = await deps.client.request('shell:writeExport', { path, bytes: made.value.bytes });
  if (!written.ok) return void fail(written.error.message);
  deps.store
    .getState()
    .pushNotice({ tone: 'info', title: 'Exported', message: `Saved as ${fileName(written.value.path)}.` });
}

/** The last part of a path, on either platform's separator (the page has no node:path). */
function fileName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}
