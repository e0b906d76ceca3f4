/**
 * The one typed contract between the UI and the app: every request (with its params and result) and every
 * event, declared once with zod schemas. Both transports (Electron IPC and WebSocket) speak exactly this
 * table; every payload that crosses a process boundary is validated against it. Requests only the engine host
 * serves live in its own table (`engineProtocol.ts`).
 */
import { z } from 'zod';
import { EDIT_LIMITS } from './editVocabulary';
import type { EditRecipe, EditTimings } from './editVocabulary';
import { embeddedRecipeSchema, projectTreeSchema, versionIdSchema } from './projectSchemas';
import { SHORTCUTS, type ShortcutId } from './shortcuts';
import {
  modelLibrarySchema,
  modelPlanSchema,
  modelProgressSchema,
  modelRefSchema,
  precisionSchema,
  runtimeSettingsSchema,
} from './modelSchemas';

/** Latest-known state of the engine host process, as its supervisor sees it. */
export const engineStateSchema = z.enum(['starting', 'ready', 'busy', 'restarting', 'crashed', 'stopped']);
export type EngineState = z.infer<typeof engineStateSchema>;

/**
 * An execution provider onnxruntime-node knows. `bundled`: shipped inside the npm package; `available`: its
 * libraries are actually present here (CUDA's are downloaded at install time and may be missing).
 */
export const providerSchema = z.object({ name: z.string(), bundled: z.boolean(), available: z.boolean() });

export const modelStatusSchema = z.object({
  /** The model folder the engine looks in. */
  folder: z.string(),
  /** `ready`: a converted model is there; `demo`: none is, the tiny random-weight model is used; `invalid`: one is there but fails checks. */
  status: z.enum(['ready', 'demo', 'missing', 'invalid']),
  detail: z.string(),
});

export const engineInfoSchema = z.object({
  appVersion: z.string(),
  ortVersion: z.string(),
  providers: z.array(providerSchema),
  model: modelStatusSchema,
  state: engineStateSchema,
  pid: z.number().int().nullable(),
  restarts: z.number().int().nonnegative(),
});
export type EngineInfo = z.infer<typeof engineInfoSchema>;

/** A client-chosen id for a cancellable job, so `job:cancel` can name it before the job answers. */
export const jobIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w-]+$/);

/** Decoded images are refused above this many pixels (a 30000×30000 header must not allocate 3.6 GB). */
export const MAX_IMAGE_PIXELS = 64_000_000;
/** Files larger than this are refused before decoding. */
export const MAX_IMAGE_BYTES = 200 * 1024 * 1024;

/** The longer side may be at most this many times the shorter: the edit model's vision input refuses more. */
export const MAX_IMAGE_ASPECT = 200;

export const imageInfoSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  format: z.enum(['png', 'jpeg', 'webp']),
  bytes: z.number().int().nonnegative(),
  /** Only for an animated PNG or WebP: how many frames it has. The first frame is the one used. */
  animatedFrames: z.number().int().min(2).optional(),
});
export type ImageInfo = z.infer<typeof imageInfoSchema>;

const empty = z.object({}).strict();

/**
 * What opening a project found, for the UI to show when `issues` is not empty: each repair made and each
 * thing that could not be recovered (a save, a version, an image), by name. `unsavedEdits`: edits of this
 * project kept after a full disk, waiting for `edit:saveAgain`.
 */
export const openReportSchema = z.object({
  source: z.enum(['primary', 'backup', 'temp', 'journal', 'salvaged']),
  migratedFrom: z.number().int().nullable(),
  issues: z.array(z.string()),
  unsavedEdits: z.number().int().nonnegative(),
});
export type OpenReport = z.infer<typeof openReportSchema>;

/**
 * An open project is named by a handle the UI-facing side gives it (the tree's `projectId`), derived from
 * its folder's real path: two folders with the same id in their project.json are two projects.
 */
const projectId = z.string().min(1).max(128);
const pngBytes = () => bytesSchema();

/** Where an edit may change pixels (design.md §5): a box in image pixels, or a mask image (white = edit). */
export const editRegionSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('box'),
      x: z.number().nonnegative(),
      y: z.number().nonnegative(),
      width: z.number().positive(),
      height: z.number().positive(),
    })
    .strict(),
  z.object({ kind: z.literal('mask'), png: pngBytes() }).strict(),
]);
export type EditRegion = z.infer<typeof editRegionSchema>;

const L = EDIT_LIMITS;
const inRange = (r: { min: number; max: number }) => z.number().min(r.min).max(r.max);
const side = inRange(L.side).int();
const promptText = z.string().max(L.promptChars.max);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/** A LoRA from the library (`loras:list`) by id, at a strength; `sha256` pins the file a recipe used. */
export const loraSettingSchema = z
  .object({ id: z.string().min(1).max(300), strength: inRange(L.loraStrength), sha256: sha256Hex.optional() })
  .strict();
export type LoraSetting = z.infer<typeof loraSettingSchema>;

/** The user's edit settings (the UI sends these; a version's recipe restores them). */
export const editSettingsSchema = z
  .object({
    prompt: promptText,
    negativePrompt: promptText,
    seed: inRange(L.seed).int(),
    cfg: inRange(L.cfg),
    steps: inRange(L.steps).int(),
    /** The model's output size; null keeps ≈1 MP at the input's aspect ratio (the model's native budget). */
    size: z.object({ width: side, height: side }).nullable(),
    region: editRegionSchema.nullable(),
    feather: inRange(L.feather),
    /** The user's own instruction when `prompt` is an accepted enhancement of it (issue 16). */
    originalPrompt: promptText.optional(),
    /** The reference image's working area; left out: upstream's 1024² (the demo model gets a small one). */
    area: inRange(L.area).optional(),
    /** Left out: paste back onto the source, or the whole output when a size is set (the pipeline's rule). */
    outputMode: z.enum(['source', 'whole']).optional(),
    /** Plus models: the reference images' file bytes, "Picture 2" onwards (the canvas image is Picture 1). */
    // Together no larger than one image may be: an edit request stays within the largest legal frame.
    references: z
      .array(bytesSchema())
      .max(L.references.max)
      .refine((all) => all.reduce((n, b) => n + b.length, 0) <= MAX_IMAGE_BYTES, {
        message: `the pictures together are larger than ${MAX_IMAGE_BYTES / 2 ** 20} MB`,
      })
      .optional(),
    loras: z.array(loraSettingSchema).max(L.loras.max).optional(),
    /** Left out: the release's scheduler; 'lightning' goes with a Lightning LoRA (4/8 steps, CFG 1). */
    schedulerPreset: z.enum(['default', 'lightning']).optional(),
    /** Left out: the pipeline's default (what a current diffusers + transformers install runs). */
    imageProcessor: z.enum(['slow', 'fast']).optional(),
  })
  .strict();
export type EditSettings = z.infer<typeof editSettingsSchema>;

const num = z.number();
const size = z.object({ width: num.int(), height: num.int() });
const perStep = z.array(num);
const recipeTexts = { imageSha256: z.string(), prompt: z.string(), negativePrompt: z.string().nullable() };
const recipeNumbers = { seed: num, cfg: num, cfgActive: z.boolean(), steps: num, area: num, feather: num };
const recipeSizes = { inputSize: size, workingSize: size, outputSize: size };
const rect = z.object({ x: num, y: num, width: num, height: num });
const pasteBackRecipeSchema = z.object({
  map: z.object({ working: size, source: size, scaleX: num, scaleY: num }),
  alignment: z.object({
    ...{ scale: num, tx: num, ty: num, drift: num, confidence: num },
    corrected: z.boolean(),
  }),
  mask: z.enum(['region', 'changed-area']),
  changedRect: rect.nullable(),
});
const stageMs = { load: num, vision: num, text: num, vaeEncode: num, vaeDecode: num, finish: num };
const stepMs = { transformerPerStep: perStep, hostPerStep: perStep, previewPerStep: perStep };

/** What the engine reports about a finished edit: the image and the pipeline's own recipe and timings. */
export const engineEditResultSchema = z.object({
  png: pngBytes(),
  recipe: z.object({
    model: z.object({ id: z.string(), precision: z.string(), hashes: z.record(z.string(), z.string()) }),
    ...recipeTexts,
    ...recipeNumbers,
    ...recipeSizes,
    requestedSize: z.object({ width: num.nullable(), height: num.nullable() }),
    region: z
      .union([
        z.object({ kind: z.literal('box'), x: num, y: num, width: num, height: num }),
        z.object({ kind: z.literal('mask'), image: z.union([z.string(), bytesSchema()]) }),
      ])
      .nullable(),
    outputMode: z.enum(['source', 'whole']),
    pasteBack: pasteBackRecipeSchema.nullable(),
    provider: z.string(),
    memoryPolicy: z.enum(['resident', 'low-memory']),
    noise: z.literal('torch.randn float32 CPU'),
    scheduler: z.literal('FlowMatchEulerDiscrete'),
    variant: z.enum(['edit', 'edit-2509', 'edit-2511']).optional(),
    referenceSha256: z.array(z.string()).readonly().optional(),
    loras: z
      .array(
        z.object({
          name: z.string(),
          sha256: z.string(),
          strength: num,
          fused: z.enum(['load', 'conversion']),
        }),
      )
      .readonly()
      .optional(),
    schedulerPreset: z.enum(['default', 'lightning']).optional(),
    imageProcessor: z.enum(['slow', 'fast']).optional(),
  }) satisfies z.ZodType<EditRecipe>,
  timings: z.object({ ...stageMs, total: num, ...stepMs }) satisfies z.ZodType<EditTimings>,
  cache: z.object({ prompt: z.boolean(), negative: z.boolean(), reference: z.boolean() }),
});
export type EngineEditResult = z.infer<typeof engineEditResultSchema>;

/** What the offline text generator can do with a version's image (issue 16). */
export const textTaskSchema = z.enum(['enhance', 'describe', 'ocr']);
export type TextTaskName = z.infer<typeof textTaskSchema>;

export const textResultSchema = z.object({
  text: z.string(),
  /** OCR: the text lines, with a box `[x1, y1, x2, y2]` in model-image pixels where the model gave one. */
  lines: z
    .array(
      z.object({
        text: z.string(),
        box: z.tuple([z.number(), z.number(), z.number(), z.number()]).optional(),
      }),
    )
    .optional(),
  reason: z.enum(['stop', 'length', 'cancelled']),
  /** The random-weight demo model answered: the text is gibberish and the UI says so. */
  demo: z.boolean(),
});
export type TextResult = z.infer<typeof textResultSchema>;

const recentSchema = z.object({ path: z.string(), name: z.string(), openedAt: z.string() });

/** A LoRA in the library: a downloaded catalogue LoRA or a file the user added. */
export const loraItemSchema = z.object({
  id: z.string(),
  name: z.string(),
  bytes: z.number().nonnegative(),
  /** A Lightning LoRA's step count (the UI offers "Fast (4 steps)" / "Fast (8 steps)"), else null. */
  lightningSteps: z.union([z.literal(4), z.literal(8)]).nullable(),
  baseId: z.string().nullable(),
  source: z.enum(['catalogue', 'added']),
});
export type LoraItem = z.infer<typeof loraItemSchema>;

/** Every request: its params and its result. Names are `domain:verb`. */
/** A job in the edit queue, as the UI lists it. */
export const queuedJobSchema = z.object({
  jobId: jobIdSchema,
  projectId,
  parentId: versionIdSchema,
  prompt: z.string(),
  seed: z.number().int(),
  state: z.enum(['running', 'queued']),
});
export type QueuedJob = z.output<typeof queuedJobSchema>;
const queueSchema = z.object({ jobs: z.array(queuedJobSchema) });

/** A path the desktop shell picked (dialog, drop, command line, `open-file`) for the page to open. */
export const shellOpenSchema = z.object({ kind: z.enum(['image', 'project']), path: z.string().min(1) });
/**
 * A native menu item the page carries out, by the shared shortcut table's id. An export names the file main's
 * save dialog picked: the page writes its bytes there with `shell:writeExport`.
 */
export const shellCommandSchema = z.object({
  id: z.enum(SHORTCUTS.map((s) => s.id) as [ShortcutId, ...ShortcutId[]]),
  path: z.string().min(1).optional(),
});
export type ShellCommand = z.output<typeof shellCommandSchema>;
const shellPath = z.string().min(1).max(4096);

export const requests = {
  /** Answered by the UI-facing side itself: proves it is responsive whatever the engine is doing. */
  'app:ping': { params: empty, result: z.object({ at: z.number() }) },
  /** Versions, execution providers, model folder status; answered from the last known state while busy. */
  'engine:info': { params: empty, result: engineInfoSchema },
  /**
   * Runs the engine's built-in ONNX self-test graph repeatedly for about `seconds`: proves the native
   * module runs, measures it, and exercises cancellation (`job:cancel` with the same jobId).
   */
  'engine:selftest': {
    params: z.object({ jobId: jobIdSchema, seconds: z.number().min(0).max(120) }).strict(),
    result: z.object({
      runs: z.number().int(),
      elapsedMs: z.number(),
      msPerRun: z.number(),
      provider: z.string(),
    }),
  },
  /**
   * Re-hashes every file of the installed model folder against its model.json (the status bar's "Verify");
   * the answer becomes the model status `engine:info` reports.
   */
  'model:verify': {
    params: z.object({ jobId: jobIdSchema }).strict(),
    result: modelStatusSchema,
  },
  /** Cancels a job: a queued one leaves the queue; a running one stops between two ONNX runs. */
  'job:cancel': {
    params: z.object({ jobId: jobIdSchema }).strict(),
    result: z.object({ cancelled: z.boolean() }),
  },
  /** A project's part of the edit queue: its running job, then its waiting ones in the order they will run. */
  'queue:list': { params: z.object({ projectId }).strict(), result: queueSchema },
  /** Moves a waiting job to `toIndex` among its project's waiting jobs; false when it is no longer waiting. */
  'queue:move': {
    params: z.object({ jobId: jobIdSchema, toIndex: z.number().int().min(0).max(10_000) }).strict(),
    result: z.object({ moved: z.boolean() }),
  },
  /** Checks an image the user opened: decodable, a supported format, not too large. */
  'image:inspect': {
    params: z.object({ name: z.string().max(1024), bytes: bytesSchema() }).strict(),
    result: imageInfoSchema,
  },

  /** Creates a project (in the app's projects folder) whose root version is the imported image. */
  'project:create': {
    params: z.object({ name: z.string().min(1).max(200), bytes: bytesSchema() }).strict(),
    result: projectTreeSchema.extend({ path: z.string(), report: openReportSchema }),
  },
  'project:open': {
    params: z.object({ path: z.string().min(1) }).strict(),
    result: projectTreeSchema.extend({ path: z.string(), report: openReportSchema }),
  },
  'project:recent': { params: empty, result: z.object({ items: z.array(recentSchema) }) },
  /** A version's image (PNG/original bytes) or its thumbnail. */
  'version:image': {
    params: z.object({ projectId, versionId: versionIdSchema, thumbnail: z.boolean() }).strict(),
    result: z.object({ bytes: bytesSchema(), mime: z.string() }),
  },
  /** Moves the head (rollback / checkout); never deletes. */
  'version:checkout': {
    params: z.object({ projectId, versionId: versionIdSchema }).strict(),
    result: projectTreeSchema,
  },
  'version:label': {
    params: z
      .object({ projectId, versionId: versionIdSchema, label: z.string().max(200).nullable() })
      .strict(),
    result: projectTreeSchema,
  },
  /** Deletes a version and its descendants (their files go to the project's trash, restorable until purged). */
  'version:deleteBranch': {
    params: z.object({ projectId, versionId: versionIdSchema }).strict(),
    result: projectTreeSchema,
  },
  /**
   * The region mask a version's edit ran with (white = editable, at its parent's size), for "Use these
   * settings"; NOT_FOUND when the edit had no region.
   */
  'version:regionMask': {
    params: z.object({ projectId, versionId: versionIdSchema }).strict(),
    result: z.object({ png: bytesSchema(), width: z.number().int(), height: z.number().int() }),
  },
  'version:diff': {
    params: z.object({ projectId, a: versionIdSchema, b: versionIdSchema }).strict(),
    result: z.object({
      changedFraction: z.number(),
      maskPng: bytesSchema(),
      width: z.number().int(),
      height: z.number().int(),
    }),
  },
  'version:export': {
    params: z
      .object({
        projectId,
        versionId: versionIdSchema,
        format: z.enum(['png', 'jpeg', 'webp']),
        /** JPEG/WebP quality (default 92). */
        quality: z.number().int().min(1).max(100).optional(),
        /** Print options: a resize factor (Lanczos), the DPI written in the file, an sRGB ICC profile. */
        scale: z.number().min(0.05).max(8).optional(),
        dpi: z.number().min(1).max(4800).optional(),
        srgbProfile: z.boolean().optional(),
        /** The file name after the project and the version's label (default) or its prompt. */
        nameFrom: z.enum(['label', 'prompt']).optional(),
      })
      .strict(),
    result: z.object({ bytes: bytesSchema(), fileName: z.string(), mime: z.string() }),
  },
  /**
   * Re-runs a version's recipe on the engine (the result is not stored) and reports whether it reproduces the
   * stored image byte for byte. Cancellable like an edit.
   */
  'version:replay': {
    params: z.object({ jobId: jobIdSchema, projectId, versionId: versionIdSchema }).strict(),
    result: z.object({ identical: z.boolean(), pixelsIdentical: z.boolean(), changedFraction: z.number() }),
  },
  /** A reference image of a version's recipe ("Picture index+2"), or its thumbnail. */
  'version:reference': {
    params: z
      .object({
        projectId,
        versionId: versionIdSchema,
        index: z
          .number()
          .int()
          .min(0)
          .max(L.references.max - 1),
        thumbnail: z.boolean(),
      })
      .strict(),
    result: z.object({ bytes: bytesSchema(), mime: z.string() }),
  },
  /** Reads the recipe embedded in an exported PNG (null when it has none). */
  'recipe:read': {
    params: z.object({ bytes: bytesSchema() }).strict(),
    result: z.object({ recipe: embeddedRecipeSchema.nullable() }),
  },
  /**
   * Runs an edit of `parentId` and adds the result as its child; the head moves to it. Progress comes as
   * `job:progress` events and preview frames with the same jobId; cancel with `job:cancel`.
   */
  'edit:run': {
    params: z
      .object({ jobId: jobIdSchema, projectId, parentId: versionIdSchema, settings: editSettingsSchema })
      .strict(),
    result: z.object({ project: projectTreeSchema, versionId: versionIdSchema }),
  },
  /**
   * Saves again the edits that finished but could not be saved (DISK_FULL from `edit:run`: they are kept in
   * memory until the app closes). DISK_FULL again while there is still no room; the edits stay kept.
   */
  'edit:saveAgain': {
    params: z.object({ projectId }).strict(),
    result: z.object({ project: projectTreeSchema, versionIds: z.array(versionIdSchema) }),
  },
  /**
   * Runs the model's own language model on a version's image: `enhance` rewrites `instruction` into a precise
   * edit instruction, `describe` writes alt text, `ocr` lists the image's text lines. The text streams as
   * `text:delta` events with the same jobId; cancel with `job:cancel`.
   */
  'text:generate': {
    params: z
      .object({
        jobId: jobIdSchema,
        projectId,
        versionId: versionIdSchema,
        task: textTaskSchema,
        instruction: z.string().max(20_000).optional(),
        /** Only this part of the image (the text tool's box, in the version's pixels); default the whole. */
        region: z
          .object({
            x: z.number().int().nonnegative(),
            y: z.number().int().nonnegative(),
            width: z.number().int().positive(),
            height: z.number().int().positive(),
          })
          .strict()
          .optional(),
      })
      .strict(),
    result: textResultSchema,
  },

  /** The LoRA library: downloaded catalogue LoRAs and added files; `folder` is where files can be copied. */
  'loras:list': { params: empty, result: z.object({ folder: z.string(), items: z.array(loraItemSchema) }) },
  /** Adds a LoRA file (a safetensors file with LoRA tensors) to the library. */
  'loras:add': {
    params: z.object({ name: z.string().min(1).max(255), bytes: bytesSchema() }).strict(),
    result: loraItemSchema,
  },
  /** The model manager: catalogue with download state, installed models, the hub endpoint in use. */
  'models:list': { params: empty, result: modelLibrarySchema },
  /**
   * Downloads a model (resuming whatever is on disk); progress as `models:progress` with the jobId. `job:cancel`
   * pauses (the partial download stays; pull again to resume); `models:discard` drops it.
   */
  'models:pull': {
    params: z
      .object({ jobId: jobIdSchema, ref: modelRefSchema, endpoint: z.string().url().max(500).optional() })
      .strict(),
    result: z.object({ id: z.string(), sha: z.string(), fetchedBytes: z.number(), keptBytes: z.number() }),
  },
  'models:discard': { params: z.object({ ref: modelRefSchema }).strict(), result: empty },
  /** Stores (or, with null, clears) the hub access token; it is never sent back. */
  'models:setToken': {
    params: z.object({ token: z.string().min(1).max(4096).nullable() }).strict(),
    result: z.object({ hasToken: z.boolean() }),
  },
  /**
   * Converts a downloaded model into the library at a precision; progress as `models:progress`. `job:cancel`
   * stops it; the components it finished are kept, and converting again resumes with the rest.
   */
  'models:convert': {
    params: z
      .object({
        jobId: jobIdSchema,
        ref: modelRefSchema,
        precision: precisionSchema,
        /** Remove the downloaded checkpoint once the model is installed. */
        deleteSource: z.boolean().optional(),
      })
      .strict(),
    result: z.object({ folder: z.string() }),
  },
  /** Makes an installed model (or the demo, `(demo)`) the active one; the engine restarts on it. */
  'models:activate': { params: z.object({ folder: z.string().min(1).max(200) }).strict(), result: empty },
  /** Re-hashes an installed model's files. */
  'models:verify': {
    params: z.object({ folder: z.string().min(1).max(200) }).strict(),
    result: z.object({ files: z.number().int() }),
  },
  'models:remove': { params: z.object({ folder: z.string().min(1).max(200) }).strict(), result: empty },
  'models:getSettings': { params: empty, result: runtimeSettingsSchema },
  /** Saves execution provider, GPU device and memory policy; the engine restarts with them. */
  'models:setSettings': { params: runtimeSettingsSchema, result: runtimeSettingsSchema },
  /**
   * The model-folder setting: moves the library (installed models, downloads) into `folder`, an absolute path,
   * and keeps it there; refused with a clear message, nothing moved, for an unwritable, non-empty or full
   * folder. The engine restarts on the new folder.
   */
  'models:setFolder': {
    params: z.object({ folder: z.string().min(1).max(1000) }).strict(),
    result: z.object({ root: z.string() }),
  },
  /** Recommends precision and memory policy for the active model on this machine at an output size. */
  'models:plan': {
    params: z
      .object({ width: z.number().int().min(16).max(8192), height: z.number().int().min(16).max(8192) })
      .strict(),
    result: modelPlanSchema,
  },

  // The desktop shell's requests: served by Electron main only (web mode has no menus and picks no paths).
  /** The page's state for the native menus (`MenuState`, checked leniently by `parseMenuState` in main). */
  'shell:menuState': { params: z.object({ state: z.unknown() }).strict(), result: empty },
  /** Reads an image the shell picked; any other path is refused (NOT_FOUND). */
  'shell:readPicked': {
    params: z.object({ path: shellPath }).strict(),
    result: z.object({ name: z.string(), bytes: bytesSchema() }),
  },
  /** Writes an export to the path the shell's save dialog picked for it; each picked path takes one write. */
  'shell:writeExport': {
    params: z.object({ path: shellPath, bytes: bytesSchema() }).strict(),
    result: z.object({ path: z.string() }),
  },
} as const satisfies Record<string, { params: z.ZodType; result: z.ZodType }>;

export type RequestName = keyof typeof requests;
export type ParamsOf<N extends RequestName> = z.input<(typeof requests)[N]['params']>;
export type ResultOf<N extends RequestName> = z.output<(typeof requests)[N]['result']>;

/**
 * The stages of an edit, in order: the model opening (the first edit only), the prompt and image being
 * encoded, the denoising steps, the result being decoded and composited.
 */
export const jobStageSchema = z.enum(['loading-model', 'encoding', 'denoising', 'decoding']);
export type JobStage = z.infer<typeof jobStageSchema>;

/** Every event pushed to the UI. */
export const events = {
  'engine:state': z.object({ state: engineStateSchema, detail: z.string(), restarts: z.number().int() }),
  'job:progress': z.object({
    jobId: jobIdSchema,
    step: z.number().int().nonnegative(),
    total: z.number().int().positive(),
    elapsedMs: z.number().nonnegative(),
    /** What the edit is doing (issue 13 §4): steps count only while `denoising`; left out, it is denoising. */
    stage: jobStageSchema.optional(),
  }),
  /** The next piece of a `text:generate` answer, as the model writes it. */
  'text:delta': z.object({ jobId: jobIdSchema, delta: z.string() }),
  /**
   * A project's part of the edit queue changed (a job queued, started, ended, moved or cancelled); sent only
   * to the clients that have the project open, like `project:changed`, since it carries prompts.
   */
  'queue:changed': queueSchema.extend({ projectId }),
  /** A project changed (e.g. an edit from another window or a replay added a version). */
  'project:changed': projectTreeSchema,
  /** Download or conversion progress of a model job. */
  'models:progress': modelProgressSchema,
  'shell:open': shellOpenSchema,
  'shell:command': shellCommandSchema,
} as const satisfies Record<string, z.ZodType>;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/** Raw bytes (structured clone keeps them over IPC; the WebSocket codec carries them as base64). */
export function bytesSchema() {
  return z.custom<Uint8Array>((v) => v instanceof Uint8Array, { message: 'expected bytes' });
}
