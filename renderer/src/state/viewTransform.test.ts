import { describe, expect, it } from 'vitest';
import {
  clampScale,
  fitView,
  imageToScreen,
  MAX_SCALE,
  MIN_SCALE,
  screenToImage,
  wheelZoomFactor,
  zoomAround,
} from './viewTransform';

describe('fitView', () => {
  it('fits a wide image to the width and centres it vertically, leaving the padding', () => {
    const v = fitView({ width: 200, height: 100 }, { width: 448, height: 448 }, 24);
    expect(v.scale).toBe(2);
    expect(v.x).toBe(24);
    expect(v.y).toBe((448 - 200) / 2);
  });

  it('fits a tall image to the height', () => {
    const v = fitView({ width: 100, height: 400 }, { width: 1000, height: 248 }, 24);
    expect(v.scale).toBe(0.5);
    expect(v.y).toBe(24);
    expect(v.x).toBe((1000 - 50) / 2);
  });

  it('enlarges small images only up to the maximum zoom', () => {
    expect(fitView({ width: 4, height: 4 }, { width: 4000, height: 4000 }).scale).toBe(MAX_SCALE);
  });

  it('returns the identity for an empty viewport instead of dividing by zero', () => {
    expect(fitView({ width: 100, height: 100 }, { width: 0, height: 0 })).toEqual({ scale: 1, x: 0, y: 0 });
  });
});

describe('zoomAround', () => {
  it('keeps the image point under the anchor fixed', () => {
    const view = { scale: 1.5, x: 40, y: -20 };
    const anchor = { x: 300, y: 210 };
    const under = screenToImage(view, anchor);
    const zoomed = zoomAround(view, 4, anchor);
    expect(zoomed.scale).toBe(4);
    const back = imageToScreen(zoomed, under);
    expect(back.x).toBeCloseTo(anchor.x, 9);
    expect(back.y).toBeCloseTo(anchor.y, 9);
  });

  it('clamps the scale and still keeps the anchor fixed at the clamped scale', () => {
    const view = { scale: 20, x: 0, y: 0 };
    const zoomed = zoomAround(view, 1000, { x: 100, y: 100 });
    expect(zoomed.scale).toBe(MAX_SCALE);
    expect(screenToImage(zoomed, { x: 100, y: 100 }).x).toBeCloseTo(5, 9);
    expect(zoomAround(view, 0, { x: 0, y: 0 }).scale).toBe(MIN_SCALE);
  });
});

describe('clampScale and wheelZoomFactor', () => {
  it('clamps to 2 %–3200 % and maps non-finite input to 100 %', () => {
    expect(clampScale(0.001)).toBe(MIN_SCALE);
    expect(clampScale(99)).toBe(MAX_SCALE);
    expect(clampScale(Number.NaN)).toBe(1);
  });

  it('zooms in for wheel up, out for wheel down, symmetrically, with a bounded step', () => {
    const up = wheelZoomFactor(-100);
    const down = wheelZoomFactor(100);
    expect(up).toBeGreaterThan(1);
    expect(down).toBeLessThan(1);
    expect(up * down).toBeCloseTo(1, 12);
    expect(wheelZoomFactor(-1e6)).toBe(wheelZoomFactor(-300));
    // Line-mode deltas (Firefox, some mice) count as 33 px per line.
    expect(wheelZoomFactor(-3, 1)).toBeCloseTo(wheelZoomFactor(-99), 12);
  });
});
