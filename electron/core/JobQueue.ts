/**
 * The edit queue (issue 13 §2): the one place edits wait and run, one at a time, in the order the user
 * arranged. It lives on the UI-facing side, not in the page, so queued jobs outlive a reload of the UI; every
 * change is reported (`queue:changed`) so whichever page is open shows it.
 */
import type { QueuedJob } from '../shared/contract';
import { CodedError } from '../shared/result';

type Entry = { job: QueuedJob; run: () => Promise<unknown>; settle: (outcome: Outcome) => void };
type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class JobQueue {
  readonly #waiting: Entry[] = [];
  #running: Entry | null = null;
  readonly #onChange: (projectId: string, jobs: QueuedJob[]) => void;

  /** `onChange` hears of each project whose jobs changed, with that project's jobs only. */
  constructor(onChange: (projectId: string, jobs: QueuedJob[]) => void = () => undefined) {
    this.#onChange = onChange;
  }

  /** The running job first, then the waiting ones in the order they will run (one project's, if named). */
  list(projectId?: string): QueuedJob[] {
    const running = this.#running ? [{ ...this.#running.job, state: 'running' as const }] : [];
    const all = [...running, ...this.#waiting.map((e) => ({ ...e.job, state: 'queued' as const }))];
    return projectId === undefined ? all : all.filter((j) => j.projectId === projectId);
  }

  /** Queues `run`; it starts when every job before it has ended. Resolves or rejects as `run` does. */
  enqueue<T>(job: Omit<QueuedJob, 'state'>, run: () => Promise<T>): Promise<T> {
    if (this.#running?.job.jobId === job.jobId || this.#waiting.some((e) => e.job.jobId === job.jobId))
      return Promise.reject(new CodedError('BAD_REQUEST', `job ${job.jobId} is already queued`));
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push({
        job: { ...job, state: 'queued' },
        run,
        settle: (o) => (o.ok ? resolve(o.value as T) : reject(o.error)),
      });
      this.#changed(job.projectId);
      this.#pump();
    });
  }

  /** Takes a waiting job out of the queue (its request fails with CANCELLED); false if it is not waiting. */
  cancelQueued(jobId: string): boolean {
    const at = this.#waiting.findIndex((e) => e.job.jobId === jobId);
    if (at < 0) return false;
    const [entry] = this.#waiting.splice(at, 1);
    entry!.settle({ ok: false, error: new CodedError('CANCELLED', 'Removed from the queue before it ran.') });
    this.#changed(entry!.job.projectId);
    return true;
  }

  /**
   * Moves a waiting job to `toIndex` among its own project's waiting jobs (clamped), the order the UI lists;
   * other projects' jobs keep their places. False if it is not waiting.
   */
  move(jobId: string, toIndex: number): boolean {
    const at = this.#waiting.findIndex((e) => e.job.jobId === jobId);
    if (at < 0) return false;
    const [entry] = this.#waiting.splice(at, 1);
    const projectId = entry!.job.projectId;
    const slots = this.#waiting.flatMap((e, i) => (e.job.projectId === projectId ? [i] : []));
    const k = Math.max(0, Math.min(slots.length, Math.trunc(toIndex)));
    const insertAt =
      k < slots.length ? slots[k]! : slots.length > 0 ? slots.at(-1)! + 1 : this.#waiting.length;
    this.#waiting.splice(insertAt, 0, entry!);
    this.#changed(projectId);
    return true;
  }

  #pump(): void {
    if (this.#running) return;
    const next = this.#waiting.shift();
    if (!next) return;
    this.#running = next;
    this.#changed(next.job.projectId);
    next
      .run()
      .then(
        (value) => next.settle({ ok: true, value }),
        (error: unknown) => next.settle({ ok: false, error }),
      )
      .finally(() => {
        this.#running = null;
        this.#changed(next.job.projectId);
        this.#pump();
      });
  }

  #changed(projectId: string): void {
    this.#onChange(projectId, this.list(projectId));
  }
}
