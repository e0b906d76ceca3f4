/**
 * The model manager's requests, served in the engine (conversion needs the model stack, and a download must
 * not load the UI-facing process): catalogue and library, pull with progress (cancel = pause; pulling again
 * resumes), convert, activate, verify, remove, plan, the model-folder setting. The models root is
 * `QWEN_EDIT_MODELS_DIR`, else the folder chosen in the setting, else the folder that holds the default model
 * folder.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  addLoraFile,
  CATALOGUE,
  listLoras,
  LoraLibraryError,
  LORAS_DIR,
  DEMO_MODEL_FOLDER,
  DiskSpaceError,
  HubError,
  ModelsLocationError,
  UnsupportedVariantError,
  activeFolder,
  chosenModelsRoot,
  defaultModelsRoot,
  discardPull,
  downloadedBytes,
  hubEndpoint,
  installModel,
  listInstalled,
  measuredSizes,
  moveModelsRoot,
  planModel,
  probeMachine,
  PUBLISHED_BF16_SIZES,
  pull,
  readSourceRecord,
  readRuntimeSettings,
  readToken,
  removeInstalled,
  resolveCatalogueRef,
  setActive,
  sourcesDir,
  userDataFolder,
  verifyInstalled,
  writeRuntimeSettings,
} from '../../native-models/src';
import type { EngineParamsOf, EngineRequestName, EngineResultOf } from '../shared/engineProtocol';
import { CodedError } from '../shared/result';
import type { JobContext } from './EngineHost';

type Handler<N extends EngineRequestName> = (
  params: EngineParamsOf<N>,
  ctx: JobContext,
) => Promise<EngineResultOf<N>>;

export function modelsRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.QWEN_EDIT_MODELS_DIR) return env.QWEN_EDIT_MODELS_DIR;
  const userData = settingFolder(env);
  if (env.QWEN_EDIT_MODEL_DIR) return chosenModelsRoot(userData) ?? dirname(env.QWEN_EDIT_MODEL_DIR);
  return defaultModelsRoot(env);
}

/** Where the model-folder setting is kept: the user data folder, which holds the default `models/`. */
function settingFolder(env: NodeJS.ProcessEnv): string {
  return env.QWEN_EDIT_MODEL_DIR ? dirname(dirname(env.QWEN_EDIT_MODEL_DIR)) : userDataFolder(env);
}

/** The folder the engine runs, read once at start: the library's active model, else the configured folder. */
export function activeModelFolder(fallback: string, root = modelsRoot()): string {
  try {
    const { active } = JSON.parse(readFileSync(join(root, 'library.json'), 'utf8')) as {
      active?: string | null;
    };
    return active ? join(root, active) : fallback;
  } catch {
    return fallback;
  }
}

/** Known failures become coded errors with their own words; anything else stays an internal error. */
async function coded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UnsupportedVariantError) throw new CodedError('VARIANT_UNSUPPORTED', error.message);
    if (error instanceof DiskSpaceError) throw new CodedError('DISK_SPACE', error.message);
    if (error instanceof HubError) throw new CodedError('DOWNLOAD_FAILED', error.message);
    if (error instanceof LoraLibraryError) throw new CodedError('BAD_REQUEST', error.message);
    throw error;
  }
}

const progressEmitter = (ctx: JobContext, jobId: string, phase: 'download' | 'convert') => {
  let notice: string | null = null;
  let last = 0;
  let latest: [string, number, number, number, number | null] = ['', 0, 0, 0, null];
  return {
    notice(message: string | null) {
      notice = message;
    },
    /** The last numbers again, with a notice (the bar stays where it was while retrying). */
    retrying(message: string) {
      notice = message;
      this.emit(...latest, true);
    },
    emit(
      label: string,
      doneBytes: number,
      totalBytes: number,
      bytesPerSecond: number,
      etaSeconds: number | null,
      force = false,
    ) {
      latest = [label, doneBytes, totalBytes, bytesPerSecond, etaSeconds];
      const now = performance.now();
      // A few updates a second are plenty for a progress bar; the last one always goes.
      if (!force && now - last < 150 && doneBytes < totalBytes) return;
      last = now;
      ctx.emit('models:progress', {
        jobId,
        phase,
        label,
        doneBytes,
        totalBytes,
        bytesPerSecond,
        etaSeconds: etaSeconds !== null && Number.isFinite(etaSeconds) ? etaSeconds : null,
        notice,
      });
    },
  };
};

export function createModelJobs() {
  const root = modelsRoot();
  const list: Handler<'models:list'> = async () => {
    const token = await readToken(root);
    return {
      root,
      endpoint: hubEndpoint(),
      hasToken: Boolean(token),
      catalogue: await Promise.all(
        CATALOGUE.map(async (e) => {
          const dir = sourcesDir(root, e.id);
          return {
            id: e.id,
            name: e.name,
            kind: e.kind,
            repo: e.repo,
            revision: e.revision,
            license: e.license,
            approxBytes: e.approxBytes,
            goodFor: e.goodFor,
            ...(e.unsupported ? { unsupported: e.unsupported } : {}),
            downloadedBytes: await downloadedBytes(dir),
            downloaded: Boolean(await readSourceRecord(dir)),
          };
        }),
      ),
      installed: (await listInstalled(root)).map(({ dir: _dir, sourceHashes: _h, loras, ...m }) => ({
        ...m,
        loras: [...loras],
      })),
    };
  };

  const pullJob: Handler<'models:pull'> = ({ jobId, ref, endpoint, token: given }, ctx) =>
    coded(async () => {
      const entry = resolveCatalogueRef(ref);
      const token = given ?? (await readToken(root));
      const progress = progressEmitter(ctx, jobId, 'download');
      const report = await pull({
        access: { endpoint: hubEndpoint(endpoint), ...(token ? { token } : {}) },
        entry,
        dir: sourcesDir(root, entry.id),
        ...(entry.unsupported ? {} : { convertTo: 'bf16' as const }),
        signal: ctx.signal,
        onProgress: (p) => {
          progress.notice(null);
          progress.emit(p.file, p.doneBytes, p.totalBytes, p.bytesPerSecond, p.etaSeconds);
        },
        onRetry: (message) => progress.retrying(`connection problem, retrying: ${message}`),
      });
      return {
        id: entry.id,
        sha: report.record.sha,
        fetchedBytes: report.fetchedBytes,
        keptBytes: report.keptBytes,
      };
    });

  const convertJob: Handler<'models:convert'> = ({ jobId, ref, precision, deleteSource }, ctx) =>
    coded(async () => {
      const entry = resolveCatalogueRef(ref);
      const progress = progressEmitter(ctx, jobId, 'convert');
      let stage = '';
      let total = 0;
      const started = performance.now();
      const folder = await installModel({
        root,
        entry,
        source: sourcesDir(root, entry.id),
        precision,
        overwrite: true,
        deleteSource: deleteSource === true,
        signal: ctx.signal,
        progress: {
          stage: (label) => {
            stage = label;
          },
          update: (done) => {
            total = Math.max(total, done);
            const rate = done / Math.max(1e-3, (performance.now() - started) / 1000);
            progress.emit(stage, done, total, rate, null);
          },
          finish: () => progress.emit('done', total, total, 0, 0, true),
        },
      });
      return { folder };
    });

  const plan: Handler<'models:plan'> = async ({ width, height }) => {
    const active = await activeFolder(root);
    let model = PUBLISHED_BF16_SIZES;
    let basis = 'published Qwen-Image-Edit sizes at bf16 (no model installed)';
    if (active && active !== DEMO_MODEL_FOLDER) {
      model = measuredSizes(JSON.parse(await readFile(join(root, active, 'model.json'), 'utf8')));
      basis = `measured sizes of ${active}`;
    }
    const result = planModel({ model, machine: await probeMachine(), width, height });
    return { basis, ...result, options: [...result.options], recommended: result.recommended };
  };

  return {
    'models:list': list,
    'models:pull': pullJob,
    'models:discard': async ({ ref }: EngineParamsOf<'models:discard'>) => {
      await discardPull(sourcesDir(root, resolveCatalogueRef(ref).id));
      return {};
    },
    'models:convert': convertJob,
    'models:activate': async ({ folder }: EngineParamsOf<'models:activate'>) =>
      coded(async () => {
        await setActive(root, folder).catch((e: Error) => {
          throw new CodedError('NOT_FOUND', e.message);
        });
        return {};
      }),
    'models:verify': async ({ folder }: EngineParamsOf<'models:verify'>) => {
      const manifest = await verifyInstalled(root, folder).catch((e: Error) => {
        throw new CodedError('MODEL_INVALID', e.message);
      });
      return { files: Object.keys(manifest.files).length };
    },
    'models:remove': async ({ folder }: EngineParamsOf<'models:remove'>) => {
      await removeInstalled(root, folder).catch((e: Error) => {
        throw new CodedError('NOT_FOUND', e.message);
      });
      return {};
    },
    'models:plan': plan,
    'models:setFolder': async ({ folder }: EngineParamsOf<'models:setFolder'>) => {
      if (process.env.QWEN_EDIT_MODELS_DIR)
        throw new CodedError(
          'BAD_REQUEST',
          'the model folder is set by QWEN_EDIT_MODELS_DIR; change it there',
        );
      await moveModelsRoot(settingFolder(process.env), root, folder).catch((e: Error) => {
        throw e instanceof ModelsLocationError ? new CodedError('BAD_REQUEST', e.message) : e;
      });
      return { root: folder };
    },
    'models:getSettings': async () => readRuntimeSettings(root),
    'loras:list': async () => ({
      folder: join(root, LORAS_DIR),
      items: (await listLoras(root)).map(({ path: _path, ...item }) => item),
    }),
    'loras:add': ({ name, bytes }: EngineParamsOf<'loras:add'>) =>
      coded(async () => {
        const { path: _path, ...item } = await addLoraFile(root, name, bytes);
        return item;
      }),
    'models:setSettings': async ({ jobId: _jobId, ...settings }: EngineParamsOf<'models:setSettings'>) => {
      await writeRuntimeSettings(root, settings);
      return settings;
    },
  };
}
