/**
 * Which native menu items main carries out and which the page does. Main answers the dialogs, the window and
 * the app itself; everything else reaches the page as `shell:command` by the shared shortcut table's id. An
 * export is both: main asks where (its save dialog), the page writes the viewed version there.
 */
import type { ShortcutId } from './shortcuts';

export type ExportFormat = 'png' | 'jpeg' | 'webp';

export const EXPORT_COMMANDS = {
  exportPng: 'png',
  exportJpeg: 'jpeg',
  exportWebp: 'webp',
} as const satisfies Record<string, ExportFormat>;
export type ExportCommandId = keyof typeof EXPORT_COMMANDS;

/** Items main carries out alone: the page never receives them. */
export const MAIN_ONLY_COMMANDS = ['newFromImage', 'openProject', 'close', 'quit'] as const;

/** The ids the page carries out when `shell:command` names them. */
export type PageCommandId = Exclude<ShortcutId, (typeof MAIN_ONLY_COMMANDS)[number]>;

export function isExportCommand(id: string): id is ExportCommandId {
  return Object.hasOwn(EXPORT_COMMANDS, id);
}
