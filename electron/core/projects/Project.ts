/**
 * A project on disk: a tree of immutable image versions with a movable head (see projectFile.ts for the
 * crash-safe save protocol and schemas.ts for the format). One instance per open project; mutations are
 * serialised, and each one is durable when its promise resolves. Nothing is ever deleted except by
 * `purgeTrash`: rollback moves the head, editing from an older version starts a branch, and deleting a
 * branch moves its files to `trash/` (trash.ts). Opening and recovery are in opening.ts; export and replay
 * in exportVersion.ts and replay.ts.
 */
import { join } from 'node:path';

import { subtreeIds } from '../../shared/versionTree';
import { blobRefOf, checkBlobRef } from './blobStore';
import type { BlobExtension, BlobStore } from './blobStore';
import { ProjectError, toWriteError } from './errors';
import { diffAtSmallerSize, inspectImage, makeThumbnail } from './imageOps';
import type { PixelDiff } from './imageOps';
import { checkBlobs, createProjectFolder, openProjectFolder } from './opening';
import type { CreateOptions, OpenedProject, OpenOptions, OpenReport } from './opening';
import { pngSize } from './pngChunks';
import { loadProjectFile, saveProjectFile } from './projectFile';
import type { JournalWriter } from './journal';
import type { ProjectFs } from './projectFs';
import type { ProjectLock } from './projectLock';
import { recipeSchema } from './schemas';
import type { BlobRef, ProjectFile, ProjectTree, RecipeInput, VersionNode } from './schemas';
import { listTrash, purgeTrash, TRASH_DIR, trashBlobs, trashEntryName, trashRecords } from './trash';
import { blobsOf, newVersionId } from './versionRecords';

export type AddVersionInput = {
  parentId: string;
  /** The result, PNG-encoded. */
  png: Uint8Array;
  /** The recipe; `input` defaults to the parent's image. */
  recipe: Omit<RecipeInput, 'input'> & { input?: string };
  /** A region mask PNG, stored as a blob and referenced from the recipe (replaces `recipe.region.mask`). */
  regionMaskPng?: Uint8Array;
  /** Reference images' files ("Picture 2" onwards), stored as blobs with thumbnails (replaces `recipe.references`). */
  references?: Uint8Array[];
  label?: string | null;
  /** A ready-made thumbnail (WebP); made from `png` when omitted. */
  thumbnailWebp?: Uint8Array;
};

export type DeleteBranchResult = {
  removed: string[];
  trashedBlobs: BlobRef[];
  trashEntry: string;
  head: string;
};

export class Project {
  readonly dir: string;
  /** The file-system layer it reads and writes through (tests inject failures). */
  readonly fs: ProjectFs;
  /** Why the project is read-only, or null when this instance is its writer. */
  readonly readOnlyReason: string | null;
  readonly report: OpenReport;
  private readonly blobs: BlobStore;
  private readonly lock: ProjectLock | null;
  private readonly journal: JournalWriter | null;
  private file: ProjectFile;
  private byId = new Map<string, VersionNode>();
  private unavailableIds: Set<string>;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(opened: OpenedProject) {
    ({ dir: this.dir, fs: this.fs, blobs: this.blobs, lock: this.lock, file: this.file } = opened);
    this.journal = opened.journal;
    ({ readOnlyReason: this.readOnlyReason, report: this.report, unavailable: this.unavailableIds } = opened);
    this.index();
  }

  /**
   * Creates a project folder `dir` (which must not hold a project) from an image file's bytes. The image is
   * validated by decoding it (INVALID_IMAGE otherwise) and kept exactly as imported.
   */
  static async create(dir: string, image: Uint8Array, options: CreateOptions = {}): Promise<Project> {
    return new Project(await createProjectFolder(dir, image, options));
  }

  /**
   * Opens the project in `dir`. Takes the writer lock unless another live instance holds it (then, or with
   * `readOnly`, the project opens read-only with `readOnlyReason`). A damaged `project.json` is recovered
   * (see projectFile.ts) and, when this instance is the writer, the recovered state is saved at once with
   * the damaged file kept alongside as `project.json.damaged-<time>`.
   */
  static async open(dir: string, options: OpenOptions = {}): Promise<Project> {
    return new Project(await openProjectFolder(dir, options));
  }

  get readOnly(): boolean {
    return this.lock === null;
  }
  get id(): string {
    return this.file.id;
  }
  get name(): string {
    return this.file.name;
  }
  get head(): string {
    return this.file.head;
  }
  /** All versions in creation order. */
  get versions(): readonly VersionNode[] {
    return this.file.versions;
  }
  /** Versions whose image cannot be read (missing or damaged blob). */
  get unavailable(): readonly string[] {
    return [...this.unavailableIds];
  }

  getVersion(id: string): VersionNode {
    const node = this.byId.get(id);
    if (!node) throw new ProjectError('VERSION_NOT_FOUND', `There is no version ${id} in this project.`);
    return node;
  }

  children(id: string): VersionNode[] {
    return this.file.versions.filter((v) => v.parentId === id);
  }

  /** Ancestors of `id` from its root down to its parent. */
  lineage(id: string): VersionNode[] {
    const chain: VersionNode[] = [];
    for (let p = this.getVersion(id).parentId; p !== null; p = this.getVersion(p).parentId)
      chain.push(this.getVersion(p));
    return chain.reverse();
  }

  /** The tree as the UI receives it (plain data; see projectTreeSchema). */
  tree(): ProjectTree {
    return {
      projectId: this.file.id,
      name: this.file.name,
      head: this.file.head,
      versions: this.file.versions.map((v) => structuredClone(v)),
      unavailable: this.unavailable as string[],
      readOnly: this.readOnly,
      readOnlyReason: this.readOnlyReason,
    };
  }

  /** The stored bytes of a version's image, hash-verified. */
  async readImage(id: string): Promise<Buffer> {
    return this.blobs.read(this.getVersion(id).image.blob);
  }

  /**
   * A version's thumbnail (WebP, at most 256 px). One that is missing or damaged (e.g. a version migrated
   * from v0) is made from the image; the writer also stores it and records it in the version.
   */
  async readThumbnail(id: string): Promise<Buffer> {
    const node = this.getVersion(id);
    if (node.thumbnail && (await this.blobs.health(node.thumbnail)) === 'ok')
      return this.blobs.read(node.thumbnail);
    const thumbnail = await makeThumbnail(await this.readImage(id));
    if (this.readOnly) return thumbnail;
    return this.exclusive(async () => {
      const ref = await this.blobs.put(thumbnail, 'webp');
      await this.commit({
        ...this.file,
        versions: this.file.versions.map((v) => (v.id === id ? { ...v, thumbnail: ref } : v)),
      });
      return thumbnail;
    });
  }

  /** A reference image of version `id`'s recipe (index 0 is "Picture 2"), or its thumbnail. */
  async readReference(
    id: string,
    index: number,
    thumbnail: boolean,
  ): Promise<{ bytes: Buffer; blob: BlobRef }> {
    const reference = this.getVersion(id).recipe?.references?.[index];
    if (!reference) {
      throw new ProjectError('INVALID_ARGUMENT', `Version ${id} has no reference image ${index + 2}.`);
    }
    const blob = thumbnail && reference.thumbnail ? reference.thumbnail : reference.blob;
    return { bytes: await this.blobs.read(blob), blob };
  }

  /** The file path of a blob, for serving it (e.g. over the app:// protocol); rejects anything but a blob name. */
  blobPath(name: string): string {
    return this.blobs.pathOf(name);
  }

  /** Reads a blob by name (names are validated: a path smuggled in as a name is INVALID_BLOB_NAME). */
  async readBlob(name: string): Promise<Buffer> {
    return this.blobs.read(checkBlobRef(name));
  }

  /**
   * Adds a version as a child of `parentId` (any version: adding under an older one starts a branch) and
   * moves the head to it. Durable when the promise resolves; on failure (e.g. DISK_FULL) the project is
   * unchanged.
   */
  addVersion(input: AddVersionInput): Promise<VersionNode> {
    return this.exclusive(async () => {
      const parent = this.getVersion(input.parentId);
      let size: { width: number; height: number };
      try {
        size = pngSize(input.png);
      } catch (error) {
        throw new ProjectError(
          'INVALID_IMAGE',
          `The result is not a valid PNG (${(error as Error).message}).`,
        );
      }
      const region = input.recipe.region ?? null;
      let mask: BlobRef | null = region ? checkBlobRef(region.mask) : null;
      if (input.regionMaskPng) mask = blobRefOf(input.regionMaskPng, 'png');
      const references = await Promise.all(
        (input.references ?? []).map(async (bytes, i) => {
          const info = await inspectImage(`Picture ${i + 2}`, bytes);
          const ext: BlobExtension = info.format === 'jpeg' ? 'jpg' : info.format;
          return { bytes, ext, thumbnailWebp: await makeThumbnail(bytes), info };
        }),
      );
      const parsed = recipeSchema.safeParse({
        ...input.recipe,
        input: input.recipe.input ?? parent.image.blob,
        region: region && mask ? { ...region, mask } : null,
        ...(input.references
          ? {
              references: references.map((r) => ({
                blob: blobRefOf(r.bytes, r.ext),
                thumbnail: blobRefOf(r.thumbnailWebp, 'webp'),
                width: r.info.width,
                height: r.info.height,
              })),
            }
          : {}),
      });
      if (!parsed.success) {
        throw new ProjectError(
          'INVALID_ARGUMENT',
          `Invalid recipe: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
        );
      }
      // Blobs first: a saved project.json must never name a blob that is not yet durable.
      const blob = await this.blobs.put(input.png, 'png');
      if (input.regionMaskPng) await this.blobs.put(input.regionMaskPng, 'png');
      for (const r of references) {
        await this.blobs.put(r.bytes, r.ext);
        await this.blobs.put(r.thumbnailWebp, 'webp');
      }
      const thumbnail = await this.blobs.put(input.thumbnailWebp ?? (await makeThumbnail(input.png)), 'webp');
      const node: VersionNode = {
        id: newVersionId(),
        parentId: parent.id,
        createdAt: new Date().toISOString(),
        kind: 'edit',
        image: { blob, ...size },
        thumbnail,
        recipe: parsed.data,
        sourceName: null,
        label: input.label ?? null,
      };
      await this.commit({ ...this.file, head: node.id, versions: [...this.file.versions, node] });
      return node;
    });
  }

  /** Moves the head to `id` (rollback or checkout). Deletes nothing. */
  checkout(id: string): Promise<void> {
    return this.exclusive(async () => {
      this.getVersion(id);
      if (this.file.head !== id) await this.commit({ ...this.file, head: id });
    });
  }

  /** Sets or clears (null or blank) a version's label. */
  setLabel(id: string, label: string | null): Promise<void> {
    return this.exclusive(async () => {
      this.getVersion(id);
      const value = label?.trim() ? label.trim().slice(0, 200) : null;
      await this.commit({
        ...this.file,
        versions: this.file.versions.map((v) => (v.id === id ? { ...v, label: value } : v)),
      });
    });
  }

  /**
   * Removes version `id` and all its descendants from the tree. Their records go to
   * `trash/<entry>/versions.json` and the blobs no remaining version uses move to `trash/<entry>/blobs/`,
   * kept until `purgeTrash`. A root cannot be deleted. If the head was in the branch it moves to the
   * branch's parent.
   */
  deleteBranch(id: string): Promise<DeleteBranchResult> {
    return this.exclusive(async () => {
      const target = this.getVersion(id);
      if (target.parentId === null)
        throw new ProjectError('INVALID_ARGUMENT', 'The original image cannot be deleted.');
      const removedIds = subtreeIds(this.file, id);
      const removed = this.file.versions.filter((v) => removedIds.has(v.id));
      const kept = this.file.versions.filter((v) => !removedIds.has(v.id));
      const stillUsed = new Set(kept.flatMap(blobsOf));
      const toTrash = [...new Set(removed.flatMap(blobsOf))].filter((b) => !stillUsed.has(b));
      const head = removedIds.has(this.file.head) ? target.parentId : this.file.head;
      const trashEntry = trashEntryName(id);
      const entryDir = join(this.dir, TRASH_DIR, trashEntry);
      try {
        await trashRecords(this.fs, entryDir, removed);
        await this.commit({ ...this.file, head, versions: kept });
      } catch (error) {
        // Nothing was deleted: drop the trash entry just made for it.
        await this.fs.removeTree(entryDir).catch(() => undefined);
        throw toWriteError(error, 'the deletion');
      }
      const trashedBlobs = await trashBlobs(this.fs, this.blobs, entryDir, toTrash);
      return { removed: removed.map((v) => v.id), trashedBlobs, trashEntry, head };
    });
  }

  /** Names of the trash entries (one per deleted branch). */
  listTrash(): Promise<string[]> {
    return listTrash(this.fs, this.dir);
  }

  /** Permanently deletes everything in the trash: the only operation that deletes user data. */
  purgeTrash(): Promise<number> {
    return this.exclusive(() => purgeTrash(this.fs, this.dir));
  }

  /** Changed-pixel mask and fraction between two versions' images (of different sizes: at the smaller). */
  async diff(a: string, b: string, threshold = 0): Promise<PixelDiff & { resampled: boolean }> {
    const [x, y] = await Promise.all([this.readImage(a), this.readImage(b)]);
    return diffAtSmallerSize(x, y, threshold);
  }

  /** Re-reads the project from disk (for a read-only viewer following another instance's edits). */
  async reload(): Promise<void> {
    await this.exclusive(async () => {
      const loaded = await loadProjectFile(this.fs, this.dir);
      this.file = loaded.file;
      this.index();
      this.unavailableIds = (await checkBlobs(this.blobs, this.file.versions, 'exists')).unavailable;
    });
  }

  /** Releases the writer lock. The instance cannot be used afterwards. */
  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.closed = true;
    await this.lock?.release();
  }

  // ——— internals ———

  private index(): void {
    this.byId = new Map(this.file.versions.map((v) => [v.id, v]));
  }

  /** Runs mutations one after another; each sees the state the previous one left. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = async () => {
      if (this.closed) throw new ProjectError('INVALID_ARGUMENT', 'The project is closed.');
      return fn();
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Saves `next` as the new state; the in-memory state changes only once the save is durable. */
  private async commit(next: ProjectFile): Promise<void> {
    if (!this.lock)
      throw new ProjectError('PROJECT_READ_ONLY', this.readOnlyReason ?? 'The project is read-only.');
    const file = { ...next, generation: this.file.generation + 1, updatedAt: new Date().toISOString() };
    await saveProjectFile(this.fs, this.dir, file);
    const prev = this.file;
    this.file = file;
    this.index();
    await this.journal?.record(prev, file);
  }
}
