/**
 * The Models panel's running jobs: a download or conversion per model reference, its latest progress, and
 * its outcome (an error stays until the next try, so "connection lost" is visible until Resume).
 */
import { useEffect, useState } from 'react';
import type { EventPayload } from '../../../../electron/shared/contract';
import { useServices } from '../../actions/services';

export type ModelJob = {
  jobId: string;
  ref: string;
  kind: 'download' | 'convert';
  progress: EventPayload<'models:progress'> | null;
  running: boolean;
  error: string | null;
  done: string | null;
};

export function useModelJobs(onFinished: () => void) {
  const { client } = useServices();
  const [jobs, setJobs] = useState<Record<string, ModelJob>>({});
  useEffect(
    () =>
      client.on('models:progress', (p) =>
        setJobs((all) => {
          const entry = Object.values(all).find((j) => j.jobId === p.jobId);
          return entry ? { ...all, [entry.ref]: { ...entry, progress: p } } : all;
        }),
      ),
    [client],
  );
  const update = (ref: string, patch: Partial<ModelJob>) =>
    setJobs((all) => (all[ref] ? { ...all, [ref]: { ...all[ref], ...patch } } : all));

  const start = async (
    ref: string,
    kind: ModelJob['kind'],
    run: (
      jobId: string,
    ) => Promise<{ ok: true; value: unknown } | { ok: false; error: { code: string; message: string } }>,
    describe: (value: never) => string,
  ) => {
    const jobId = `${kind}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    setJobs((all) => ({
      ...all,
      [ref]: { jobId, ref, kind, progress: null, running: true, error: null, done: null },
    }));
    const answer = await run(jobId);
    if (answer.ok) update(ref, { running: false, done: describe(answer.value as never) });
    else
      update(ref, {
        running: false,
        error:
          answer.error.code !== 'CANCELLED'
            ? answer.error.message
            : kind === 'download'
              ? 'Paused: the partial download is kept.'
              : 'Stopped: the finished components are kept; Convert resumes with the rest.',
      });
    onFinished();
  };
  const cancel = (ref: string) => {
    const job = jobs[ref];
    if (job) void client.request('job:cancel', { jobId: job.jobId });
  };
  return { jobs, start, cancel };
}
