import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectRoots } from '../../core/projectRoots';
import { PickedPaths } from './pickedPaths';

describe('picked folders become project roots', () => {
  it('admits a folder picked before or after the app services start listening, and nothing else', async () => {
    const base = await mkdtemp(join(tmpdir(), 'qe-picked-'));
    const [early, late, other] = ['early', 'late', 'other'].map((name) => join(base, name)) as [
      string,
      string,
      string,
    ];
    await Promise.all([early, late, other].map((dir) => mkdir(dir)));
    const picked = new PickedPaths();
    const roots = new ProjectRoots(join(base, 'projects'), async () => []);
    picked.pickFolder(early);
    picked.onFolder((folder) => roots.allowPath(folder));
    picked.pickFolder(late);

    await expect(roots.admit(early)).resolves.toBe(early);
    await expect(roots.admit(join(late, 'inner'))).resolves.toBe(join(late, 'inner'));
    await expect(roots.admit(other)).rejects.toMatchObject({ code: 'PROJECT_NOT_FOUND' });
  });
});

describe('save targets', () => {
  it('lets each path a save dialog picked be written once, and no picked file or other path', () => {
    const picked = new PickedPaths();
    picked.pickFile('/home/u/cat.png');
    picked.pickSaveTarget('/home/u/out/../out.png');
    expect(picked.takeSaveTarget('/home/u/cat.png')).toBe(false);
    expect(picked.takeSaveTarget('out.png')).toBe(false);
    expect(picked.takeSaveTarget('/home/u/out.png')).toBe(true);
    expect(picked.takeSaveTarget('/home/u/out.png')).toBe(false);
    // A save target is not a file the page may read.
    expect(picked.allows('/home/u/out.png')).toBe(false);
  });
});
