import { describe, expect, it } from 'vitest';
import type { QueuedJob } from '../shared/contract';
import { JobQueue } from './JobQueue';

/** A job whose end the test decides: the queue's order is observed, not timed. */
function gate<T>(value: T) {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { run: async () => (await opened, value), open };
}

const job = (jobId: string): Omit<QueuedJob, 'state'> => ({
  jobId,
  projectId: 'p',
  parentId: 'root',
  prompt: `prompt ${jobId}`,
  seed: 1,
});

describe('JobQueue', () => {
  it('runs one job at a time in queue order, reorders and cancels waiting ones, reporting every change', async () => {
    const reports: string[][] = [];
    const queue = new JobQueue((projectId, jobs) =>
      reports.push([projectId, ...jobs.map((j) => `${j.jobId}:${j.state}`)]),
    );
    const started: string[] = [];
    const gates = Object.fromEntries(['a', 'b', 'c', 'd'].map((id) => [id, gate(id)]));
    const results = Object.fromEntries(
      Object.entries(gates).map(([id, g]) => [
        id,
        queue
          .enqueue(job(id), () => (started.push(id), g.run()))
          .then(
            (v) => `done ${v}`,
            (e: { code?: string }) => `failed ${e.code}`,
          ),
      ]),
    );
    expect(started).toEqual(['a']);
    expect(queue.list().map((j) => `${j.jobId}:${j.state}`)).toEqual([
      'a:running',
      'b:queued',
      'c:queued',
      'd:queued',
    ]);
    expect(queue.move('d', 0)).toBe(true);
    expect(queue.cancelQueued('c')).toBe(true);
    expect(queue.cancelQueued('a')).toBe(false); // running: the engine cancels it, not the queue
    expect(queue.move('zzz', 0)).toBe(false);
    expect(await results.c).toBe('failed CANCELLED');
    expect(reports.at(-1)).toEqual(['p', 'a:running', 'd:queued', 'b:queued']);

    gates.a!.open();
    expect(await results.a).toBe('done a');
    await Promise.resolve();
    expect(started).toEqual(['a', 'd']);
    gates.d!.open();
    gates.b!.open();
    expect(await results.d).toBe('done d');
    expect(await results.b).toBe('done b');
    expect(started).toEqual(['a', 'd', 'b']);
    expect(queue.list()).toEqual([]);
    expect(reports.at(-1)).toEqual(['p']);
    expect(queue.list('other')).toEqual([]);
  });

  it('refuses a job id already in the queue, and a failing job lets the next one run', async () => {
    const queue = new JobQueue();
    const first = gate('x');
    const running = queue.enqueue(job('x'), first.run);
    await expect(queue.enqueue(job('x'), async () => 'again')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const failing = queue.enqueue(job('y'), async () => {
      throw new Error('boom');
    });
    const after = queue.enqueue(job('z'), async () => 'z ran');
    first.open();
    await expect(running).resolves.toBe('x');
    await expect(failing).rejects.toThrow('boom');
    await expect(after).resolves.toBe('z ran');
  });

  it("moves a job among its own project's waiting jobs, leaving other projects' jobs in place", async () => {
    const queue = new JobQueue();
    const first = gate('r');
    const all = [queue.enqueue(job('r'), first.run)];
    const order: string[] = [];
    const ids = ['p1', 'q1', 'p2', 'q2', 'p3'];
    for (const id of ids) {
      const projectId = id.startsWith('p') ? 'p' : 'q';
      all.push(queue.enqueue({ ...job(id), projectId }, async () => (order.push(id), id)));
    }
    expect(queue.move('p3', 0)).toBe(true);
    expect(queue.list('p').map((j) => j.jobId)).toEqual(['r', 'p3', 'p1', 'p2']);
    expect(queue.list().map((j) => j.jobId)).toEqual(['r', 'p3', 'p1', 'q1', 'p2', 'q2']);
    expect(queue.move('p3', 99)).toBe(true);
    expect(queue.list('p').map((j) => j.jobId)).toEqual(['r', 'p1', 'p2', 'p3']);
    expect(queue.move('q2', -4)).toBe(true);
    expect(queue.list('q').map((j) => j.jobId)).toEqual(['q2', 'q1']);
    expect(queue.move('r', 1)).toBe(false); // running
    first.open();
    await Promise.all(all);
    expect(order).toEqual(['p1', 'q2', 'q1', 'p2', 'p3']);
  });
});
