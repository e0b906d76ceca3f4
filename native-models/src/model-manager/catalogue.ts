/**
 * The models the app knows how to get: Qwen-Image-Edit, -2509, -2511 and their Lightning LoRAs. `revision`
 * is what a pull resolves (a branch until a commit is pinned here); the download then records the commit
 * the hub resolved it to, so an installed model always names the exact source it came from. Sizes are the
 * published totals, shown before the hub's own file list (which is what the download uses) arrives.
 */
export type CatalogueKind = 'base' | 'lora';

export type CatalogueEntry = Readonly<{
  id: string;
  name: string;
  kind: CatalogueKind;
  repo: string;
  revision: string;
  license: string;
  /** Published download size in bytes (approximate; the hub's file list is authoritative). */
  approxBytes: number;
  /** What it is good for, one line. */
  goodFor: string;
  /** Only these repo paths are fetched (LoRA repos hold many files); absent: the whole repo. */
  files?: readonly string[];
  /** The base model a LoRA applies to. */
  baseId?: string;
  /** A Lightning LoRA: the step count it was distilled for (run at CFG 1 with the 'lightning' scheduler). */
  lightningSteps?: 4 | 8;
  /** Why the converter cannot build it yet; absent when it can. */
  unsupported?: string;
}>;

const GB = 1e9;
const NEEDS_ISSUE_11 =
  'not supported yet: converting this variant needs the multi-image / LoRA support of issue 11 (the download works; convert it once that lands)';
const LIGHTNING = 'fast (4 or 8 steps, CFG 1), weaker on small text';

export const CATALOGUE: readonly CatalogueEntry[] = [
  {
    id: 'qwen-image-edit',
    name: 'Qwen-Image-Edit',
    kind: 'base',
    repo: 'Qwen/Qwen-Image-Edit',
    revision: 'main',
    license: 'Apache-2.0',
    approxBytes: 57.7 * GB,
    goodFor: 'single-image edits: appearance, semantics, text in images (the first release, 2025-08)',
  },
  {
    id: 'qwen-image-edit-2509',
    name: 'Qwen-Image-Edit-2509',
    kind: 'base',
    repo: 'Qwen/Qwen-Image-Edit-2509',
    revision: 'main',
    license: 'Apache-2.0',
    approxBytes: 57.7 * GB,
    goodFor: 'one to three input images (people, products, scenes) and ControlNet-style inputs',
  },
  {
    id: 'qwen-image-edit-2511',
    name: 'Qwen-Image-Edit-2511',
    kind: 'base',
    repo: 'Qwen/Qwen-Image-Edit-2511',
    revision: 'main',
    license: 'Apache-2.0',
    approxBytes: 57.7 * GB,
    goodFor: 'less drift and better character consistency than 2509, with an integrated LoRA',
  },
  ...(
    [
      ['qwen-image-edit', 4, 'Qwen-Image-Edit-Lightning-4steps-V1.0-bf16.safetensors'],
      ['qwen-image-edit', 8, 'Qwen-Image-Edit-Lightning-8steps-V1.0-bf16.safetensors'],
      [
        'qwen-image-edit-2509',
        4,
        'Qwen-Image-Edit-2509/Qwen-Image-Edit-2509-Lightning-4steps-V1.0-bf16.safetensors',
      ],
      [
        'qwen-image-edit-2509',
        8,
        'Qwen-Image-Edit-2509/Qwen-Image-Edit-2509-Lightning-8steps-V1.0-bf16.safetensors',
      ],
    ] as const
  ).map(([baseId, steps, file]): CatalogueEntry => ({
    id: `${baseId}-lightning-${steps}step`,
    name: `${baseId === 'qwen-image-edit' ? 'Qwen-Image-Edit' : 'Qwen-Image-Edit-2509'} Lightning ${steps}-step`,
    kind: 'lora',
    repo: 'lightx2v/Qwen-Image-Lightning',
    revision: 'main',
    license: 'Apache-2.0',
    approxBytes: 0.85 * GB,
    goodFor: LIGHTNING,
    files: [file],
    baseId,
    lightningSteps: steps,
    unsupported: NEEDS_ISSUE_11,
  })),
  {
    id: 'qwen-image-edit-2511-lightning-4step',
    name: 'Qwen-Image-Edit-2511 Lightning 4-step',
    kind: 'lora',
    repo: 'lightx2v/Qwen-Image-Edit-2511-Lightning',
    revision: 'main',
    license: 'Apache-2.0',
    approxBytes: 0.85 * GB,
    goodFor: LIGHTNING,
    files: ['Qwen-Image-Edit-2511-Lightning-4steps-V1.0-bf16.safetensors'],
    baseId: 'qwen-image-edit-2511',
    lightningSteps: 4,
    unsupported: NEEDS_ISSUE_11,
  },
];

const REPO_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/**
 * A catalogue entry for `ref`: a catalogue id, or a custom repo id (`owner/name`, optionally `@revision`),
 * or a hub URL (`https://<host>/owner/name[/tree/<rev>]`). Custom entries are treated as diffusers
 * checkpoints of the first release; the converter refuses any other architecture with its own message.
 */
export function resolveCatalogueRef(ref: string): CatalogueEntry {
  const known = CATALOGUE.find((e) => e.id === ref || e.repo === ref);
  if (known) return known;
  let repo = ref;
  let revision = 'main';
  if (/^https?:\/\//.test(ref)) {
    const parts = new URL(ref).pathname.split('/').filter(Boolean);
    repo = parts.slice(0, 2).join('/');
    if (parts[2] === 'tree' && parts[3]) revision = decodeURIComponent(parts[3]);
  } else if (ref.includes('@')) {
    [repo, revision] = ref.split('@', 2) as [string, string];
  }
  if (!REPO_ID.test(repo) || !revision) {
    throw new Error(
      `'${ref}' is neither a catalogue id (${CATALOGUE.map((e) => e.id).join(', ')}) nor a repo id like owner/name[@revision] or a hub URL`,
    );
  }
  return {
    id: repo.toLowerCase().replace('/', '--'),
    name: repo,
    kind: 'base',
    repo,
    revision,
    license: 'see the repository',
    approxBytes: 0,
    goodFor: 'a custom checkpoint in the diffusers layout',
  };
}
