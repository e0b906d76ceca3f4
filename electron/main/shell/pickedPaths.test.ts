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
