/**
 * Per-connection routing in the WebSocket endpoint: a project's `project:changed` reaches only the
 * connections that opened that project; a job's progress and frames only the connection that started it.
 * (The security suite proves the job half end to end with the real engine; nothing emits project:changed
 * yet, so that half is driven here through the endpoint itself.)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dispatch } from '../shared/dispatcher';
import { encodePreviewFrame } from '../shared/previewFrame';
import { ok } from '../shared/result';
import { openRawClient } from './securityProbe';
import { attachWsEndpoint, type WsEndpoint } from './wsServer';

describe('ws endpoint routing', () => {
  const server = createServer();
  let endpoint: WsEndpoint;
  let url: string;
  let releaseJob = () => undefined as void;
  let jobStarted = () => undefined as void;

  beforeAll(async () => {
    const dispatch: Dispatch = async (method, params) => {
      if (method === 'project:open') return ok({ projectId: (params as { path: string }).path });
      if (method === 'engine:selftest') {
        const done = new Promise<void>((resolve) => (releaseJob = resolve));
        jobStarted();
        await done;
        return ok({ runs: 1, elapsedMs: 1, msPerRun: 1, provider: 'cpu' });
      }
      return ok({});
    };
    endpoint = attachWsEndpoint(server, dispatch, { path: '/ws', authorize: () => true });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
  });
  afterAll(async () => {
    await endpoint.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const request = (id: number, method: string, params: unknown) =>
    JSON.stringify({ kind: 'request', id, method, params });

  it('sends project:changed only to connections that opened that project', async () => {
    const [a, b] = await Promise.all([openRawClient(url), openRawClient(url)]);
    a.send(request(1, 'project:open', { path: 'p1' }));
    b.send(request(1, 'project:open', { path: 'p2' }));
    await Promise.all([a.replyCount(1), b.replyCount(1)]);
    endpoint.routeEvent('project:changed', { projectId: 'p1' });
    endpoint.routeEvent('engine:state', { state: 'ready', detail: '', restarts: 0 });
    // The engine:state event is last on both sockets, so once it is in, anything routed before it is too.
    await Promise.all(
      [a, b].map(
        (c) =>
          new Promise<void>((resolve) => {
            const check = () => (c.events.some((e) => e.name === 'engine:state') ? resolve() : undefined);
            c.ws.on('message', check);
            check();
          }),
      ),
    );
    expect(a.events.map((e) => e.name)).toEqual(['project:changed', 'engine:state']);
    expect(b.events.map((e) => e.name)).toEqual(['engine:state']);
    a.ws.close();
    b.ws.close();
  });

  it("sends a job's progress and frames only to the connection that started it, until it ends", async () => {
    const [owner, other] = await Promise.all([openRawClient(url), openRawClient(url)]);
    // The endpoint registers the owner before it dispatches, so once the handler runs the job is routed.
    const started = new Promise<void>((resolve) => (jobStarted = resolve));
    owner.send(request(1, 'engine:selftest', { jobId: 'j', seconds: 1 }));
    await started;
    const frame = encodePreviewFrame({ jobId: 'j', width: 1, height: 1, pixels: new Uint8Array(4) });
    endpoint.routeEvent('job:progress', { jobId: 'j', step: 1, total: 2, elapsedMs: 1 });
    endpoint.routePreview(frame);
    endpoint.routeEvent('engine:state', { state: 'busy', detail: '', restarts: 0 });
    await new Promise<void>((resolve) => {
      const check = () => (owner.binaryFrames() === 1 && owner.events.length === 2 ? resolve() : undefined);
      owner.ws.on('message', check);
      check();
    });
    releaseJob();
    await owner.replyCount(1);
    // The job is over: its id no longer routes anywhere.
    endpoint.routeEvent('job:progress', { jobId: 'j', step: 2, total: 2, elapsedMs: 2 });
    endpoint.routeEvent('engine:state', { state: 'ready', detail: '', restarts: 0 });
    await new Promise<void>((resolve) => {
      const check = () => (other.events.length === 2 && owner.events.length === 3 ? resolve() : undefined);
      owner.ws.on('message', check);
      other.ws.on('message', check);
      check();
    });
    expect(owner.events.map((e) => e.name)).toEqual(['job:progress', 'engine:state', 'engine:state']);
    expect(other.events.map((e) => e.name)).toEqual(['engine:state', 'engine:state']);
    expect(other.binaryFrames()).toBe(0);
    owner.ws.close();
    other.ws.close();
  });

  it('lets a reloaded page (a new connection of the same session) cancel and hear the jobs it started', async () => {
    const session = 'tab-0123456789abcdef';
    const first = await openRawClient(`${url}?session=${session}`);
    const started = new Promise<void>((resolve) => (jobStarted = resolve));
    first.send(request(1, 'engine:selftest', { jobId: 'kept', seconds: 1 }));
    await started;
    first.ws.close();
    await new Promise((resolve) => first.ws.once('close', resolve));

    const [reloaded, stranger] = await Promise.all([
      openRawClient(`${url}?session=${session}`),
      openRawClient(`${url}?session=tab-fedcba9876543210`),
    ]);
    stranger.send(request(1, 'job:cancel', { jobId: 'kept' }));
    stranger.send(request(2, 'queue:move', { jobId: 'kept', toIndex: 0 }));
    reloaded.send(request(1, 'job:cancel', { jobId: 'kept' }));
    await Promise.all([stranger.replyCount(2), reloaded.replyCount(1)]);
    expect(stranger.replies.map((r) => r.result.error?.code)).toEqual([
      'FORBIDDEN_SENDER',
      'FORBIDDEN_SENDER',
    ]);
    expect(reloaded.replies[0]!.result.ok).toBe(true);

    endpoint.routeEvent('job:progress', { jobId: 'kept', step: 1, total: 2, elapsedMs: 1 });
    endpoint.routeEvent('engine:state', { state: 'busy', detail: '', restarts: 0 });
    await new Promise<void>((resolve) => {
      const check = () =>
        reloaded.events.length === 2 && stranger.events.length === 1 ? resolve() : undefined;
      reloaded.ws.on('message', check);
      stranger.ws.on('message', check);
      check();
    });
    expect(reloaded.events.map((e) => e.name)).toEqual(['job:progress', 'engine:state']);
    expect(stranger.events.map((e) => e.name)).toEqual(['engine:state']);
    releaseJob();
    reloaded.ws.close();
    stranger.ws.close();
  });

  it('treats a connection without a well-formed session as a page of its own', async () => {
    const [a, b] = await Promise.all([
      openRawClient(`${url}?session=short`),
      openRawClient(`${url}?session=short`),
    ]);
    const started = new Promise<void>((resolve) => (jobStarted = resolve));
    a.send(request(1, 'engine:selftest', { jobId: 'solo', seconds: 1 }));
    await started;
    b.send(request(1, 'job:cancel', { jobId: 'solo' }));
    await b.replyCount(1);
    expect(b.replies[0]!.result.error?.code).toBe('FORBIDDEN_SENDER');
    releaseJob();
    await a.replyCount(1);
    a.ws.close();
    b.ws.close();
  });
});
