/**
 * One sync in flight at a time for many callers: a request made while a sync runs joins the next one, which
 * starts when the current one ends and covers everything done before it started. A burst of requests from
 * parallel chunk workers thus costs two syncs, not one each, and no queue of syncs builds up under load.
 */
export function coalescedSync(sync: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const start = (): Promise<void> => {
    const run = sync().finally(() => {
      if (running === run) running = undefined;
    });
    running = run;
    return run;
  };
  return () => {
    if (!running) return start();
    next ??= running
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return start();
      });
    return next;
  };
}
