import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  readWindowState,
  rememberWindow,
  restoreWindow,
  writeWindowState,
  type Display,
} from './windowState';

const laptop: Display = { id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1080 } };
const monitor: Display = { id: 2, workArea: { x: 1920, y: 0, width: 2560, height: 1440 } };

describe('window state', () => {
  it('restores size, position and maximised state on the display it was last on', () => {
    let saved = rememberWindow(null, 1, {
      bounds: { x: 100, y: 50, width: 1200, height: 800 },
      maximized: false,
    });
    saved = rememberWindow(saved, 2, {
      bounds: { x: 2000, y: 100, width: 1800, height: 1000 },
      maximized: true,
    });
    expect(restoreWindow(saved, [laptop, monitor], laptop)).toEqual({
      bounds: { x: 2000, y: 100, width: 1800, height: 1000 },
      maximized: true,
    });
    // Each display keeps its own place.
    expect(saved.displays['1']!.bounds.x).toBe(100);
  });

  it('centres the window on the primary display, sized to fit, when its display is gone', () => {
    const saved = rememberWindow(null, 2, {
      bounds: { x: 2000, y: 100, width: 2400, height: 1300 },
      maximized: false,
    });
    const { bounds, maximized } = restoreWindow(saved, [laptop], laptop);
    expect(bounds).toEqual({ x: 0, y: 0, width: 1920, height: 1080 });
    expect(maximized).toBe(false);
    const small = rememberWindow(null, 2, {
      bounds: { x: 3000, y: 300, width: 1000, height: 700 },
      maximized: true,
    });
    expect(restoreWindow(small, [laptop], laptop)).toEqual({
      bounds: { x: 460, y: 190, width: 1000, height: 700 },
      maximized: true,
    });
  });

  it("brings back a window whose title bar is off its display's work area", () => {
    const saved = rememberWindow(null, 1, {
      bounds: { x: 1900, y: -500, width: 1000, height: 700 },
      maximized: false,
    });
    expect(restoreWindow(saved, [laptop], laptop).bounds).toEqual({
      x: 460,
      y: 190,
      width: 1000,
      height: 700,
    });
  });

  it('opens at the default size with nothing saved, or with an unreadable file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qe-window-'));
    try {
      const file = join(dir, 'window-state.json');
      expect(readWindowState(file)).toBeNull();
      writeFileSync(file, '{"last": 1, "displ');
      expect(readWindowState(file)).toBeNull();
      expect(restoreWindow(readWindowState(file), [laptop], laptop)).toEqual({
        bounds: { x: 240, y: 90, width: 1440, height: 900 },
        maximized: false,
      });
      const state = rememberWindow(null, 1, {
        bounds: { x: 10, y: 20, width: 1000, height: 700 },
        maximized: false,
      });
      writeWindowState(file, state);
      expect(readWindowState(file)).toEqual(state);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
