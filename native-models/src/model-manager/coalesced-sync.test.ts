import { describe, expect, it } from 'vitest';
import { coalescedSync } from './coalesced-sync';

describe('coalescedSync', () => {
  it('runs a burst of requests as the running sync plus one more, each caller covered by a sync started after it', async () => {
    const started: number[] = [];
    let finish: () => void = () => undefined;
    let state = 0;
    const sync = coalescedSync(async () => {
      started.push(state);
      await new Promise<void>((resolve) => (finish = resolve));
    });
    state = 1;
    const first = sync();
    state = 2;
    const second = sync();
    state = 3;
    const third = sync();
    expect(second).toBe(third);
    expect(started).toEqual([1]);
    finish();
    await first;
    await Promise.resolve();
    expect(started).toEqual([1, 3]);
    finish();
    await Promise.all([second, third]);
    state = 4;
    const later = sync();
    expect(started).toEqual([1, 3, 4]);
    finish();
    await later;
  });

  it('a failed sync rejects its callers and the next request runs again', async () => {
    let fail = true;
    const sync = coalescedSync(async () => {
      if (fail) throw new Error('disk gone');
    });
    await expect(sync()).rejects.toThrow('disk gone');
    fail = false;
    await expect(sync()).resolves.toBeUndefined();
  });
});
