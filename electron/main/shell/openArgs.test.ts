import { describe, expect, it } from 'vitest';
import {
  createOpenQueue,
  droppedTargets,
  MAX_DROPPED_PATHS,
  openTargetsFromArgv,
  type OpenTarget,
} from './openArgs';
import { PickedPaths } from './pickedPaths';

const files = new Set(['/home/u/cat.png', '/home/u/pics/dog.JPG', '/home/u/notes.txt']);
const folders = new Set(['/home/u/projects/rabbit']);
const fs = {
  exists: (p: string) => files.has(p) || folders.has(p),
  isDirectory: (p: string) => folders.has(p),
};

describe('single-instance arguments', () => {
  it('opens the images and project folders named on a packaged launch, skipping switches', () => {
    const argv = [
      '/opt/Qwen Edit Studio/qwen-edit-studio',
      '--no-sandbox',
      'cat.png',
      '/home/u/projects/rabbit',
    ];
    expect(openTargetsFromArgv(argv, { cwd: '/home/u', defaultApp: false, ...fs })).toEqual([
      { kind: 'image', path: '/home/u/cat.png' },
      { kind: 'project', path: '/home/u/projects/rabbit' },
    ]);
  });

  it("skips the app folder of a development launch (electron . file) and resolves against the second launch's folder", () => {
    const argv = ['/x/electron', '--allow-file-access', '.', 'dog.JPG'];
    expect(openTargetsFromArgv(argv, { cwd: '/home/u/pics', defaultApp: true, ...fs })).toEqual([
      { kind: 'image', path: '/home/u/pics/dog.JPG' },
    ]);
  });

  it('drops missing files, non-images and repeats', () => {
    const argv = ['app', 'missing.png', 'notes.txt', 'cat.png', './cat.png', '/home/u/cat.png'];
    expect(openTargetsFromArgv(argv, { cwd: '/home/u', defaultApp: false, ...fs })).toEqual([
      { kind: 'image', path: '/home/u/cat.png' },
    ]);
  });

  it('holds what arrives before the window is ready, then delivers it in order', () => {
    const queue = createOpenQueue();
    const got: OpenTarget[] = [];
    queue.push([{ kind: 'image', path: '/a.png' }]);
    queue.push([{ kind: 'project', path: '/p' }]);
    expect(got).toEqual([]);
    queue.setReceiver((t) => got.push(t));
    queue.push([{ kind: 'image', path: '/b.png' }]);
    expect(got.map((t) => t.path)).toEqual(['/a.png', '/p', '/b.png']);
    queue.setReceiver(null);
    queue.push([{ kind: 'image', path: '/c.png' }]);
    expect(got).toHaveLength(3);
  });
});

describe('picked paths', () => {
  it('admits picked files, and what is inside picked folders, nothing else', () => {
    const picked = new PickedPaths();
    picked.pickFile('/home/u/cat.png');
    picked.pickFolder('/home/u/projects/rabbit');
    expect(picked.allows('/home/u/cat.png')).toBe(true);
    expect(picked.allows('/home/u/projects/rabbit')).toBe(true);
    expect(picked.allows('/home/u/projects/rabbit/versions/v1.png')).toBe(true);
    expect(picked.allows('/home/u/projects/rabbit/../other/x.png')).toBe(false);
    expect(picked.allows('/home/u/projects/rabbit-evil/x.png')).toBe(false);
    expect(picked.allows('/home/u/dog.png')).toBe(false);
    expect(picked.allows('cat.png')).toBe(false);
  });
});

describe('dropped files', () => {
  it('opens the existing images and folders among the dropped paths, and says which it took', () => {
    const dropped = [
      '/home/u/cat.png',
      '/home/u/projects/rabbit',
      '/home/u/notes.txt',
      'relative.png',
      '/home/u/missing.png',
      42,
    ];
    expect(droppedTargets(dropped, fs)).toEqual([
      { kind: 'image', path: '/home/u/cat.png' },
      { kind: 'project', path: '/home/u/projects/rabbit' },
      null,
      null,
      null,
      null,
    ]);
    expect(droppedTargets('/home/u/cat.png', fs)).toEqual([]);
    expect(droppedTargets(null, fs)).toEqual([]);
  });

  it('takes a bounded number of paths from one drop', () => {
    const many = Array.from({ length: MAX_DROPPED_PATHS + 5 }, () => '/home/u/cat.png');
    const taken = droppedTargets(many, fs);
    expect(taken.filter(Boolean)).toHaveLength(MAX_DROPPED_PATHS);
    expect(taken.slice(MAX_DROPPED_PATHS)).toEqual([null, null, null, null, null]);
  });
});
