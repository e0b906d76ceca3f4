/**
 * The window's size, position and maximised state, remembered per display and restored only where it is
 * still visible: a window saved on a monitor that is gone (or has shrunk) comes back centred on the primary
 * display, sized to fit. Pure, apart from the two small file functions at the end.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

export type Rect = { x: number; y: number; width: number; height: number };
export type Display = { id: number; workArea: Rect };
export type SavedWindow = { bounds: Rect; maximized: boolean };
/** Per display id, plus which display the window was last on. */
export type WindowStateFile = { last: number | null; displays: Record<string, SavedWindow> };

export const DEFAULT_SIZE = { width: 1440, height: 900 };
export const MIN_SIZE = { width: 900, height: 600 };
/** How much of the title bar must be on a display for the window to count as reachable. */
const GRAB = 64;

function intersection(a: Rect, b: Rect): Rect | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const width = Math.min(a.x + a.width, b.x + b.width) - x;
  const height = Math.min(a.y + a.height, b.y + b.height) - y;
  return width > 0 && height > 0 ? { x, y, width, height } : null;
}

function centred(area: Rect, size: { width: number; height: number }): Rect {
  const width = Math.min(size.width, area.width);
  const height = Math.min(size.height, area.height);
  return {
    x: area.x + Math.round((area.width - width) / 2),
    y: area.y + Math.round((area.height - height) / 2),
    width,
    height,
  };
}

function isFiniteRect(r: unknown): r is Rect {
  if (typeof r !== 'object' || r === null) return false;
  const { x, y, width, height } = r as Record<string, unknown>;
  return [x, y, width, height].every((n) => typeof n === 'number' && Number.isFinite(n));
}

/** Where to open the window: the saved place on a display that still exists, else centred on the primary. */
export function restoreWindow(
  saved: WindowStateFile | null,
  displays: readonly Display[],
  primary: Display,
): SavedWindow {
  const entry = saved?.last != null ? saved.displays[String(saved.last)] : undefined;
  const display = entry && displays.find((d) => d.id === saved!.last);
  if (entry && display && isFiniteRect(entry.bounds)) {
    const bounds = {
      ...entry.bounds,
      width: Math.max(MIN_SIZE.width, Math.min(entry.bounds.width, display.workArea.width)),
      height: Math.max(MIN_SIZE.height, Math.min(entry.bounds.height, display.workArea.height)),
    };
    const titleBar = { x: bounds.x, y: bounds.y, width: bounds.width, height: 32 };
    const visible = intersection(titleBar, display.workArea);
    if (visible && visible.width >= GRAB) return { bounds, maximized: entry.maximized === true };
    return { bounds: centred(display.workArea, bounds), maximized: entry.maximized === true };
  }
  // The display is gone: keep the remembered size if it fits, and whether it was maximised.
  const size = entry && isFiniteRect(entry.bounds) ? entry.bounds : DEFAULT_SIZE;
  return { bounds: centred(primary.workArea, size), maximized: entry?.maximized === true };
}

/** Records the window's place on the display it is on now, keeping what other displays remember. */
export function rememberWindow(
  previous: WindowStateFile | null,
  displayId: number,
  state: SavedWindow,
): WindowStateFile {
  return { last: displayId, displays: { ...(previous?.displays ?? {}), [String(displayId)]: state } };
}

export function readWindowState(file: string): WindowStateFile | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as WindowStateFile;
    return typeof parsed === 'object' && parsed && typeof parsed.displays === 'object' ? parsed : null;
  } catch {
    return null;
  }
}

export function writeWindowState(file: string, state: WindowStateFile): void {
  // A crash mid-write must not leave half a file that the next start cannot read.
  writeFileSync(`${file}.tmp`, JSON.stringify(state));
  renameSync(`${file}.tmp`, file);
}
