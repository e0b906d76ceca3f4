import { describe, expect, it } from 'vitest';
import {
  createContractClient,
  type ContractClient,
  type RawTransport,
} from '../../../electron/shared/client';
import { MAX_IMAGE_BYTES, type ImageInfo } from '../../../electron/shared/contract';
import { createDispatcher } from '../../../electron/shared/dispatcher';
import { CodedError } from '../../../electron/shared/result';
import { createAppStore } from '../state/appStore';
import type { ProjectTree } from '../../../electron/shared/projectSchemas';
import { FakeBitmap } from '../testing/fakeBitmap';
import { createEditor } from './Editor';
import { ImageRegistry } from '../ui/imageRegistry';
import { createImageOpener } from './openImageFile';

/**
 * A contract client over the real dispatcher (param and result validation included), whose `image:inspect`
 * answers from a table keyed by file name — the app side's judgement is not what these tests are about.
 */
function setup(answers: Record<string, ImageInfo | CodedError>, gate?: Promise<void>) {
  const dispatch = createDispatcher({
    'image:inspect': async ({ name }) => {
      if (gate && name === 'slow.png') await gate;
      const answer = answers[name];
      if (!answer) throw new Error(`no answer for ${name}`);
      if (answer instanceof CodedError) throw answer;
      return answer;
    },
    'project:create': async ({ name, bytes }) => ({
      ...tree(name, bytes[0]!, bytes[1]!),
      path: `/p/${name}`,
      report: { source: 'primary' as const, migratedFrom: null, issues: [], unsavedEdits: 0 },
    }),
    'recipe:read': async () => ({ recipe: null }),
  });
  const transport: RawTransport = {
    send: (method, params) => dispatch(method, params),
    subscribe: () => () => undefined,
    subscribePreview: () => () => undefined,
  };
  const store = createAppStore();
  store.getState().setViewport({ width: 800, height: 600 });
  const images = new ImageRegistry<FakeBitmap>();
  const decoded: FakeBitmap[] = [];
  const client = createContractClient(transport);
  const decode = async (bytes: Uint8Array) => {
    // The fake "decoder" takes its size from the bytes' first two values.
    const bitmap = new FakeBitmap(bytes[0]!, bytes[1]!);
    decoded.push(bitmap);
    return bitmap;
  };
  const editor = createEditor({ client, store, images, decode, rasterizeMask: async () => new Uint8Array() });
  const open = createImageOpener({ client, store, editor, decode });
  return { store, images, decoded, open };
}

/** The tree `project:create` answers: one root version, the imported image. */
function tree(name: string, width: number, height: number): ProjectTree {
  const id = name.replace(/\W/g, '_');
  return {
    projectId: `proj-${id}`,
    name,
    head: 'v1',
    versions: [
      {
        id: 'v1',
        parentId: null,
        createdAt: '2026-01-01T00:00:00.000Z',
        kind: 'import',
        image: { blob: `${'a'.repeat(64)}.png`, width, height },
        thumbnail: null,
        recipe: null,
        sourceName: name,
        label: null,
      },
    ],
    unavailable: [],
    readOnly: false,
    readOnlyReason: null,
  };
}

const file = (name: string, bytes: number[] = [64, 48, 1, 2]) => ({
  name,
  size: bytes.length,
  arrayBuffer: async () => new Uint8Array(bytes).buffer,
});
const png = (width: number, height: number): ImageInfo => ({ width, height, format: 'png', bytes: 4 });

describe('createImageOpener', () => {
  it('shows an image the app side accepts, fitted, and holds its bitmap', async () => {
    const { store, images, open } = setup({ 'a.png': png(64, 48) });
    expect(await open(file('a.png'))).toBe(true);
    const s = store.getState();
    expect(s.image).toMatchObject({ name: 'a.png', width: 64, height: 48, format: 'png' });
    expect(s.project).toMatchObject({ projectId: 'proj-a_png', head: 'v1', path: '/p/a.png' });
    expect(s.viewedId).toBe('v1');
    expect(s.viewMode).toBe('fit');
    expect(s.notices).toEqual([]);
    expect(s.activity).toBeNull();
    expect(images.get(s.image!.id)?.width).toBe(64);
  });

  it('says that an animated image opens at its first frame', async () => {
    const { store, open } = setup({ 'anim.webp': { ...png(64, 48), format: 'webp', animatedFrames: 12 } });
    expect(await open(file('anim.webp'))).toBe(true);
    expect(store.getState().notices).toMatchObject([
      {
        tone: 'info',
        title: 'Animated image',
        message: 'anim.webp has 12 frames; the first frame is the one opened and edited.',
      },
    ]);
  });

  it('turns a refusal into an error notice and keeps the image already open', async () => {
    const { store, images, decoded, open } = setup({
      'a.png': png(64, 48),
      'notes.txt': new CodedError('INVALID_IMAGE', 'notes.txt is not a PNG, JPEG or WebP image'),
    });
    await open(file('a.png'));
    const shown = store.getState().image;
    expect(await open(file('notes.txt'))).toBe(false);
    expect(store.getState().image).toBe(shown);
    expect(store.getState().notices).toMatchObject([
      {
        tone: 'error',
        title: "Couldn't open notes.txt",
        message: 'notes.txt is not a PNG, JPEG or WebP image',
      },
    ]);
    expect(decoded).toHaveLength(1);
    expect(images.get(shown!.id)?.closed).toBe(false);
  });

  it('refuses a file over the size limit before reading it', async () => {
    const { store, open } = setup({});
    let read = false;
    const huge = {
      name: 'huge.png',
      size: MAX_IMAGE_BYTES + 1,
      arrayBuffer: async () => {
        read = true;
        return new ArrayBuffer(0);
      },
    };
    expect(await open(huge)).toBe(false);
    expect(read).toBe(false);
    expect(store.getState().notices[0]?.message).toMatch(/limit is 200 MB/);
  });

  it('frees the previous bitmap when a new image replaces it', async () => {
    const { decoded, open } = setup({ 'a.png': png(64, 48), 'b.png': png(10, 20) });
    await open(file('a.png'));
    await open(file('b.png', [10, 20]));
    expect(decoded.map((d) => d.closed)).toEqual([true, false]);
  });

  it('when opens overlap, the last one started wins and the slower, older one is dropped', async () => {
    let release = () => undefined as void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { store, open } = setup({ 'slow.png': png(64, 48), 'fast.png': png(10, 20) }, gate);
    const slow = open(file('slow.png'));
    const fast = open(file('fast.png', [10, 20]));
    expect(await fast).toBe(true);
    release();
    expect(await slow).toBe(false);
    expect(store.getState().image?.name).toBe('fast.png');
    expect(store.getState().activity).toBeNull();
  });

  it('reports a decoder failure as readable text', async () => {
    const { store, open } = setup({ 'a.png': png(64, 48) });
    const broken = createImageOpener({
      client: { request: (async () => ({ ok: true, value: png(64, 48) })) as ContractClient['request'] },
      store,
      editor: { showProject: async () => undefined },
      decode: async () => {
        throw new Error('The source image could not be decoded.');
      },
    });
    expect(await broken(file('a.png'))).toBe(false);
    expect(store.getState().notices[0]).toMatchObject({
      title: "Couldn't open a.png",
      message: 'The browser could not decode this PNG: The source image could not be decoded.',
    });
    expect(await open(file('a.png'))).toBe(true);
  });
});
