/**
 * A project on disk: a tree of immutable image versions with a movable head (see projectFile.ts for the
 * crash-safe save protocol and schemas.ts for the format). One instance per open project; mutations are
 * serialised, and each one is durable when its promise resolves. Nothing is ever deleted except by
 * `purgeTrash`: rollback moves the head, editing from an older version starts a branch, and deleting a
 * branch moves its files to `trash/`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

import { subtreeIds } from '../../shared/versionTree';
import { isTempName, writeFileAtomic } from './atomicWrite';
import { blobRefOf, BlobStore, checkBlobRef } from './blobStore';
import { hasErrno, ProjectError, toWriteError } from './errors';
import { diffImages, encodeForExport, inspectImage, makeThumbnail } from './imageOps';
import type { ExportFormat, PixelDiff } from './imageOps';
import { pngSize } from './pngChunks';
import {
  BACKUP_FILE,
  createProjectFile,
  loadProjectFile,
  PROJECT_FILE,
  saveProjectFile,
} from './projectFile';
import type { LoadSource } from './projectFile';
import { nodeProjectFs } from './projectFs';
import type { ProjectFs } from './projectFs';
import { ProjectLock } from './projectLock';
import { embedRecipe } from './recipeEmbed';
import type { EditRunner, ReplayReport } from './replay';
import { CURRENT_SCHEMA_VERSION, recipeSchema } from './schemas';
import type { BlobRef, EmbeddedRecipe, ProjectFile, ProjectTree, RecipeInput, VersionNode } from './schemas';

export type OpenOptions = {
  /** File-system layer (tests inject failures). */
  fs?: ProjectFs;
  /** Open without taking the writer lock. */
  readOnly?: boolean;
  /** 'exists' (default): a version is available when its blob file exists. 'hash': also verify every blob's hash. */
  verifyBlobs?: 'exists' | 'hash';
};

export type CreateOptions = { fs?: ProjectFs; name?: string; sourceName?: string };

/** What opening found. `issues` is empty for an intact project. */
export type OpenReport = {
  source: LoadSource;
  /** The format version the file was upgraded from, or null if it was current. */
  migratedFrom: number | null;
  issues: string[];
};

export type AddVersionInput = {
  parentId: string;
  /** The result, PNG-encoded. */
  png: Uint8Array;
  /** The recipe; `input` defaults to the parent's image. */
  recipe: Omit<RecipeInput, 'input'> & { input?: string };
  /** A region mask PNG, stored as a blob and referenced from the recipe (replaces `recipe.region.mask`). */
  regionMaskPng?: Uint8Array;
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

export const BLOBS_DIR = 'blobs';
export const TRASH_DIR = 'trash';

export class Project {
  private file: ProjectFile;
  private byId = new Map<string, VersionNode>();
  private unavailableIds = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly fs: ProjectFs,
    private readonly blobs: BlobStore,
    file: ProjectFile,
    private readonly lock: ProjectLock | null,
    /** Why the project is read-only, or null when this instance is its writer. */
    readonly readOnlyReason: string | null,
    readonly report: OpenReport,
  ) {
    this.file = file;
    this.index();
  }

  /**
   * Creates a project folder `dir` (which must not hold a project) from an image file's bytes. The image is
   * validated by decoding it (INVALID_IMAGE otherwise) and kept exactly as imported.
   */
  static async create(dir: string, image: Uint8Array, options: CreateOptions = {}): Promise<Project> {
    const fs = options.fs ?? nodeProjectFs;
    const info = await inspectImage(image, options.sourceName ? `"${options.sourceName}"` : 'The file');
    if (await fs.exists(join(dir, PROJECT_FILE))) {
      throw new ProjectError('PROJECT_EXISTS', `There is already a project in ${dir}.`);
    }
    try {
      await fs.mkdirp(join(dir, BLOBS_DIR));
    } catch (error) {
      throw toWriteError(error, 'the project folder');
    }
    const lockResult = await ProjectLock.acquire(fs, dir);
    if (!lockResult.acquired) throw new ProjectError('PROJECT_LOCKED', lockResult.reason);
    try {
      const blobs = new BlobStore(fs, join(dir, BLOBS_DIR));
      const blob = await blobs.put(image, info.ext);
      const thumbnail = await blobs.put(await makeThumbnail(image), 'webp');
      const now = new Date().toISOString();
      const root: VersionNode = {
        id: newVersionId(),
        parentId: null,
        createdAt: now,
        kind: 'import',
        image: { blob, width: info.width, height: info.height },
        thumbnail,
        recipe: null,
        sourceName: options.sourceName ?? null,
        label: null,
      };
      const file: ProjectFile = {
        schemaVersion: CURRENT_SCHEMA_VERSION,
        generation: 0,
        id: randomUUID(),
        name: options.name ?? (options.sourceName ? stripExtension(options.sourceName) : basename(dir)),
        createdAt: now,
        updatedAt: now,
        head: root.id,
        versions: [root],
      };
      await createProjectFile(fs, dir, file);
      // The new folder's own entry in its parent must be durable too, or a power cut could lose the project.
      await fs.fsyncDir(dirname(dir)).catch(() => undefined);
      return new Project(dir, fs, blobs, file, lockResult.lock, null, {
        source: 'primary',
        migratedFrom: null,
        issues: [],
      });
    } catch (error) {
      await lockResult.lock.release();
      throw error;
    }
  }

  /**
   * Opens the project in `dir`. Takes the writer lock unless another live instance holds it (then, or with
   * `readOnly`, the project opens read-only with `readOnlyReason`). A damaged `project.json` is recovered
   * (see projectFile.ts) and, when this instance is the writer, the recovered state is saved at once with
   * the damaged file kept alongside as `project.json.damaged-<time>`.
   */
  static async open(dir: string, options: OpenOptions = {}): Promise<Project> {
    const fs = options.fs ?? nodeProjectFs;
    if (!(await fs.exists(dir))) throw new ProjectError('PROJECT_NOT_FOUND', `No project folder at ${dir}.`);
    let lock: ProjectLock | null = null;
    let readOnlyReason: string | null = options.readOnly ? 'Opened read-only.' : null;
    if (!options.readOnly) {
      try {
        const result = await ProjectLock.acquire(fs, dir);
        if (result.acquired) lock = result.lock;
        else readOnlyReason = result.reason;
      } catch (error) {
        if (!hasErrno(error, 'EACCES', 'EPERM', 'EROFS')) throw toWriteError(error, 'the project lock');
        readOnlyReason = 'The project folder is not writable; it is opened read-only.';
      }
    }
    try {
      const loaded = await loadProjectFile(fs, dir);
      const blobs = new BlobStore(fs, join(dir, BLOBS_DIR));
      const migratedFrom = loaded.migratedFrom === CURRENT_SCHEMA_VERSION ? null : loaded.migratedFrom;
      const report: OpenReport = { source: loaded.source, migratedFrom, issues: [...loaded.issues] };
      const project = new Project(dir, fs, blobs, loaded.file, lock, readOnlyReason, report);
      report.issues.push(...(await project.checkBlobs(options.verifyBlobs ?? 'exists')));
      if (loaded.source !== 'primary') {
        // After a recovery, images whose records were lost are still on disk: say so (they are kept).
        const used = new Set(project.versions.flatMap(blobsOf));
        const orphans = [...(await blobs.list())].filter((b) => !used.has(b) && !b.endsWith('.webp'));
        if (orphans.length > 0) {
          report.issues.push(
            `${orphans.length} image file(s) in blobs/ belong to versions that could not be recovered; they are kept.`,
          );
        }
      }
      if (lock && (loaded.source !== 'primary' || migratedFrom !== null)) {
        await project.persistRecovered(loaded.source, migratedFrom, loaded.maxGeneration);
      }
      if (lock) await project.removeLeftoverTemps();
      return project;
    } catch (error) {
      await lock?.release();
      throw error;
    }
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
      const parsed = recipeSchema.safeParse({
        ...input.recipe,
        input: input.recipe.input ?? parent.image.blob,
        region: region && mask ? { ...region, mask } : null,
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
      const entry = `${new Date().toISOString().replace(/[:.]/g, '-')}-${id}`;
      const entryDir = join(this.dir, TRASH_DIR, entry);
      const head = removedIds.has(this.file.head) ? target.parentId : this.file.head;
      try {
        await this.fs.mkdirp(join(entryDir, BLOBS_DIR));
        const record = { deletedAt: new Date().toISOString(), versions: removed };
        await writeFileAtomic(
          this.fs,
          join(entryDir, 'versions.json'),
          Buffer.from(JSON.stringify(record, null, 1)),
        );
        await this.commit({ ...this.file, head, versions: kept });
      } catch (error) {
        // Nothing was deleted: drop the trash entry just made for it.
        await this.fs.removeTree(entryDir).catch(() => undefined);
        throw toWriteError(error, 'the deletion');
      }
      // Only now, with no saved state referring to them, do the files move. A crash in between leaves them
      // unreferenced in blobs/, which is harmless.
      const moved: BlobRef[] = [];
      for (const ref of toTrash) {
        try {
          await this.fs.rename(this.blobs.pathOf(ref), join(entryDir, BLOBS_DIR, ref));
          moved.push(ref);
        } catch (error) {
          if (!hasErrno(error, 'ENOENT')) throw toWriteError(error, 'the deleted images');
        }
      }
      await this.fs.fsyncDir(this.blobs.dir);
      await this.fs.fsyncDir(join(entryDir, BLOBS_DIR));
      return { removed: removed.map((v) => v.id), trashedBlobs: moved, trashEntry: entry, head };
    });
  }

  /** Names of the trash entries (one per deleted branch). */
  async listTrash(): Promise<string[]> {
    return (await this.fs.readdir(join(this.dir, TRASH_DIR)).catch(() => [] as string[]))
      .filter((n) => !isTempName(n))
      .sort();
  }

  /** Permanently deletes everything in the trash: the only operation that deletes user data. */
  purgeTrash(): Promise<number> {
    return this.exclusive(async () => {
      const entries = await this.listTrash();
      for (const entry of entries) await this.fs.removeTree(join(this.dir, TRASH_DIR, entry));
      return entries.length;
    });
  }

  /** Changed-pixel mask and fraction between two versions' images. */
  async diff(a: string, b: string, threshold = 0): Promise<PixelDiff> {
    const [x, y] = await Promise.all([this.readImage(a), this.readImage(b)]);
    return diffImages(x, y, threshold);
  }

  /** The JSON embedded in exported PNGs: the version, its recipe, and its ancestors with theirs. */
  embeddedRecipe(id: string): EmbeddedRecipe {
    return {
      format: 'qwen-edit-studio/version',
      formatVersion: 1,
      project: { id: this.file.id, name: this.file.name },
      version: structuredClone(this.getVersion(id)),
      lineage: structuredClone(this.lineage(id)),
    };
  }

  /**
   * Encodes a version for export; PNGs carry the recipe and lineage (iTXt) and, for PNG results, keep the
   * stored pixels bit for bit. With `path`, also writes the file there atomically.
   */
  async exportVersion(
    id: string,
    options: { format: ExportFormat; quality?: number; path?: string },
  ): Promise<Buffer> {
    const node = this.getVersion(id);
    const source = await this.readImage(id);
    let out: Buffer;
    if (options.format === 'png') {
      const png = node.image.blob.endsWith('.png') ? source : await encodeForExport(source, 'png');
      out = embedRecipe(png, this.embeddedRecipe(id));
    } else {
      out = await encodeForExport(source, options.format, options.quality);
    }
    if (options.path) {
      try {
        await writeFileAtomic(this.fs, options.path, out);
      } catch (error) {
        throw toWriteError(error, `the export to ${options.path}`);
      }
    }
    return out;
  }

  /**
   * Re-runs version `id`'s recipe with `runner` and compares the result with the stored image. The replayed
   * image is not added to the project.
   */
  async replay(id: string, runner: EditRunner): Promise<ReplayReport> {
    const node = this.getVersion(id);
    if (!node.recipe)
      throw new ProjectError('INVALID_ARGUMENT', `Version ${id} is an import; it has no recipe to replay.`);
    const input = await this.blobs.read(node.recipe.input);
    const mask = node.recipe.region ? await this.blobs.read(node.recipe.region.mask) : null;
    const result = Buffer.from(await runner.run({ recipe: structuredClone(node.recipe), input, mask }));
    const actual = blobRefOf(result, 'png');
    const identical = actual === node.image.blob;
    let changedFraction = 0;
    if (!identical) {
      const stored = await this.readImage(id);
      changedFraction = await diffImages(stored, result).then(
        (d) => d.changedFraction,
        (error: unknown) => {
          if (error instanceof ProjectError && error.code === 'SIZE_MISMATCH') return 1;
          throw error;
        },
      );
    }
    return {
      versionId: id,
      expected: node.image.blob,
      actual,
      identical,
      pixelsIdentical: changedFraction === 0,
      changedFraction,
    };
  }

  /** Re-reads the project from disk (for a read-only viewer following another instance's edits). */
  async reload(): Promise<void> {
    await this.exclusive(async () => {
      const loaded = await loadProjectFile(this.fs, this.dir);
      this.file = loaded.file;
      this.index();
      await this.checkBlobs('exists');
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
    this.file = file;
    this.index();
  }

  /** Marks versions whose image is missing (or damaged, in 'hash' mode) as unavailable; returns the issues. */
  private async checkBlobs(mode: 'exists' | 'hash'): Promise<string[]> {
    const present = await this.blobs.list();
    const issues: string[] = [];
    this.unavailableIds.clear();
    for (const v of this.file.versions) {
      const ok =
        present.has(v.image.blob) && (mode === 'exists' || (await this.blobs.health(v.image.blob)) === 'ok');
      if (!ok) {
        this.unavailableIds.add(v.id);
        issues.push(
          `The image of version ${v.id}${v.label ? ` ("${v.label}")` : ''} is ${present.has(v.image.blob) ? 'damaged' : 'missing'} (${v.image.blob}).`,
        );
      }
    }
    return issues;
  }

  private async persistRecovered(
    source: LoadSource,
    migratedFrom: number | null,
    maxGeneration: number,
  ): Promise<void> {
    const keepAs =
      source === 'primary'
        ? `project.v${migratedFrom}.json`
        : `project.json.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await this.fs
      .copyFileExclusive(join(this.dir, PROJECT_FILE), join(this.dir, keepAs))
      .catch((error: unknown) => {
        if (!hasErrno(error, 'ENOENT', 'EEXIST'))
          throw toWriteError(error, 'a copy of the damaged project file');
      });
    const file = {
      ...this.file,
      generation: Math.max(maxGeneration, this.file.generation) + 1,
      updatedAt: new Date().toISOString(),
    };
    await saveProjectFile(this.fs, this.dir, file);
    this.file = file;
    this.index();
  }

  /** Deletes temp files left by an interrupted save (never state: see atomicWrite.ts). */
  private async removeLeftoverTemps(): Promise<void> {
    for (const dir of [this.dir, this.blobs.dir]) {
      for (const name of await this.fs.readdir(dir).catch(() => [] as string[])) {
        const ours = name.startsWith(PROJECT_FILE) || name.startsWith(BACKUP_FILE) || dir === this.blobs.dir;
        if (ours && isTempName(name)) await this.fs.unlink(join(dir, name)).catch(() => undefined);
      }
    }
  }
}

function blobsOf(v: VersionNode): BlobRef[] {
  const refs = [v.image.blob];
  if (v.thumbnail) refs.push(v.thumbnail);
  if (v.recipe?.region) refs.push(v.recipe.region.mask);
  return refs;
}

/** Time-ordered, collision-safe and short: base-36 milliseconds plus 48 random bits. */
function newVersionId(): string {
  return `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
}

function stripExtension(name: string): string {
  return basename(name).replace(/\.[^.]+$/, '') || name;
}
