import { describe, expect, it } from 'vitest';
import { ASPECT_PRESETS, aspectWarning, lockedResize, sizeAtAspect } from './aspectPresets';

describe('aspect presets', () => {
  it('fits every preset to the area on the 16-pixel grid, within a grid step of its ratio', () => {
    expect(ASPECT_PRESETS.map((p) => p.id)).toEqual([
      '2:3',
      '3:4',
      '4:5',
      '1:1',
      '9:16',
      '16:9',
      'A-portrait',
      'A-landscape',
    ]);
    for (const p of ASPECT_PRESETS) {
      const s = sizeAtAspect(p.ratio, 1024 * 1024);
      expect(s.width % 16 === 0 && s.height % 16 === 0, p.id).toBe(true);
      expect(Math.abs(s.width / s.height - p.ratio) / p.ratio, p.id).toBeLessThan(0.03);
      expect(Math.abs(s.width * s.height - 1024 * 1024) / (1024 * 1024), p.id).toBeLessThan(0.05);
    }
    expect(sizeAtAspect(1, 512 * 512)).toEqual({ width: 512, height: 512 });
  });

  it('carries the other side along when the aspect is locked', () => {
    expect(lockedResize({ width: 1024, height: 768 }, { width: 512, height: 768 })).toEqual({
      width: 512,
      height: 384,
    });
    expect(lockedResize({ width: 1024, height: 768 }, { width: 1024, height: 1536 })).toEqual({
      width: 2048,
      height: 1536,
    });
  });

  it('warns only when the output aspect differs from the source by more than 1 %', () => {
    const a4 = { width: 2480, height: 3508 };
    expect(aspectWarning(sizeAtAspect(1 / Math.SQRT2, 1024 * 1024), a4)).toBeNull();
    expect(aspectWarning({ width: 1024, height: 1024 }, a4)).toMatch(/\(1\.00:1\).*\(1:1\.41\)/);
    expect(aspectWarning({ width: 1024, height: 1024 }, null)).toBeNull();
  });
});
