import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Precision } from '../../src/onnx';
import type { ModelManifest } from '../../src/model-store';
import {
  CATALOGUE,
  DEMO_MODEL_FOLDER,
  activeFolder,
  assertFits,
  defaultModelsRoot,
  hubEndpoint,
  installModel,
  listInstalled,
  locateCheckpoint,
  measuredSizes,
  planModel,
  probeMachine,
  PUBLISHED_BF16_SIZES,
  pull,
  readToken,
  removeInstalled,
  resolveCatalogueRef,
  setActive,
  sourcesDir,
  verifyInstalled,
} from '../../src/model-manager';
import type { CatalogueEntry, PullProgress } from '../../src/model-manager';

export const summary =
  'model manager: list | pull <id|repo|url> [--precision p] | import <dir> [--precision p] | convert <id|dir> --precision p [--delete-source] | use <folder> | verify <folder> | rm <folder> --yes | plan [--size WxH] [--device N|cpu]  (all: --dir <models folder>, --endpoint <hub or mirror URL>)';

const PRECISIONS: readonly Precision[] = ['fp32', 'bf16', 'int8', 'int4'];
const gb = (n: number) => `${(n / 1e9).toFixed(2)} GB`;

function precisionOf(value: string | undefined): Precision | undefined {
  if (value === undefined) return undefined;
  if (!PRECISIONS.includes(value as Precision))
    throw new Error(`--precision must be one of ${PRECISIONS.join(', ')}, got '${value}'`);
  return value as Precision;
}

function progressPrinter(): (p: PullProgress) => void {
  let last = 0;
  return (p) => {
    const now = performance.now();
    if (now - last < 1000 && p.doneBytes < p.totalBytes) return;
    last = now;
    const eta = Number.isFinite(p.etaSeconds) ? `${Math.ceil(p.etaSeconds)} s` : '?';
    process.stderr.write(
      `${gb(p.doneBytes)} / ${gb(p.totalBytes)}  ${(p.bytesPerSecond / 1e6).toFixed(1)} MB/s  ETA ${eta}  ${p.file}\n`,
    );
  };
}

async function list(root: string): Promise<number> {
  console.log('catalogue:');
  for (const e of CATALOGUE) {
    const note = e.unsupported ? ' [download only for now]' : '';
    console.log(
      `  ${e.id.padEnd(38)} ${e.repo}@${e.revision}  ${e.license}  ~${gb(e.approxBytes)}  ${e.goodFor}${note}`,
    );
  }
  console.log(`installed (${root}):`);
  for (const m of await listInstalled(root)) {
    const used = m.lastUsed ? `last used ${m.lastUsed}` : 'never used';
    const source = m.sourceRepo ? `${m.sourceRepo}@${m.sourceRevision?.slice(0, 12) ?? '?'}` : '';
    console.log(
      `${m.active ? '* ' : '  '}${m.folder.padEnd(38)} ${m.name}  ${m.precision ?? '?'}${m.loras.length ? ` +${m.loras.join(',')}` : ''}  ${m.demo ? '' : `${gb(m.bytes)}  ${source}  ${used}`}`,
    );
  }
  return 0;
}

async function convert(
  root: string,
  entry: CatalogueEntry,
  source: string,
  precision: Precision,
  extra: { deleteSource?: boolean; origin?: { repo: string | null; revision: string | null } },
) {
  const folder = await installModel({ root, entry, source, precision, progress: true, ...extra });
  if (!(await activeFolder(root))) await setActive(root, folder);
  console.log(`installed ${folder} in ${root}${(await activeFolder(root)) === folder ? ' (active)' : ''}`);
}

async function plan(root: string, size: string, device: string | undefined, folder?: string) {
  const m = /^(\d+)x(\d+)$/.exec(size);
  if (!m) throw new Error(`--size must be WxH, got '${size}'`);
  const chosen = folder ?? (await activeFolder(root));
  let model = PUBLISHED_BF16_SIZES;
  let basis = 'published Qwen-Image-Edit sizes at bf16 (no model installed)';
  if (chosen && chosen !== DEMO_MODEL_FOLDER) {
    const manifest = JSON.parse(await readFile(join(root, chosen, 'model.json'), 'utf8')) as ModelManifest;
    model = measuredSizes(manifest);
    basis = `measured sizes of ${chosen}`;
  }
  const machine = await probeMachine();
  const result = planModel({
    model,
    machine,
    width: Number(m[1]),
    height: Number(m[2]),
    device: device === undefined ? 0 : device === 'cpu' ? 'cpu' : Number(device),
  });
  console.log(`basis: ${basis}`);
  console.log(`device: ${result.device}; usable ${gb(result.availableBytes)}; RAM ${gb(machine.ramBytes)}`);
  const a = result.activations;
  console.log(
    `activations: transformer ${gb(a.transformer)}, VAE ${gb(a.vae)}, text ${gb(a.text)}, overhead ${gb(a.overhead)}`,
  );
  for (const o of result.options) {
    console.log(
      `  ${o.fits ? 'fits ' : 'no   '} ${o.precision.padEnd(5)} ${o.policy.padEnd(11)} weights ${gb(o.weightsBytes)}  peak ${gb(o.peakBytes)}${o.needsConversion ? '  (needs conversion)' : ''}`,
    );
  }
  console.log(result.summary);
  return result.recommended ? 0 : 1;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: 'string' },
      endpoint: { type: 'string' },
      precision: { type: 'string' },
      'delete-source': { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
      size: { type: 'string', default: '1024x1024' },
      device: { type: 'string' },
      policy: { type: 'string' },
    },
  });
  const root = values.dir ?? defaultModelsRoot();
  const [sub, arg] = positionals;
  const precision = precisionOf(values.precision);
  switch (sub) {
    case 'list':
      return list(root);
    case 'pull': {
      if (!arg) throw new Error('usage: qwen-edit models pull <catalogue id | owner/name[@rev] | hub URL>');
      const entry = resolveCatalogueRef(arg);
      const dir = sourcesDir(root, entry.id);
      const endpoint = hubEndpoint(values.endpoint);
      const token = await readToken(root);
      console.log(
        `pulling ${entry.repo}@${entry.revision} from ${endpoint}${token ? ' (with an access token)' : ''}`,
      );
      const report = await pull({
        access: { endpoint, ...(token ? { token } : {}) },
        entry,
        dir,
        ...(precision && !entry.unsupported ? { convertTo: precision } : {}),
        onProgress: progressPrinter(),
        onRetry: (message) => process.stderr.write(`retrying: ${message}\n`),
      });
      console.log(
        `downloaded ${entry.repo}@${report.record.sha} into ${dir}: ${gb(report.fetchedBytes)} fetched, ${gb(report.keptBytes)} already there, ${gb(report.discardedBytes)} fetched again`,
      );
      if (precision) await convert(root, entry, dir, precision, { deleteSource: values['delete-source'] });
      return 0;
    }
    case 'import': {
      if (!arg)
        throw new Error(
          'usage: qwen-edit models import <diffusers folder | HF cache models--Org--Name folder>',
        );
      const found = await locateCheckpoint(arg);
      console.log(
        `checkpoint ${found.dir} (${found.pipeline}${found.repo ? `, ${found.repo}@${found.revision}` : ''}) is valid; it is used in place`,
      );
      if (precision) {
        const entry = resolveCatalogueRef(found.repo ?? 'qwen-image-edit');
        await convert(root, entry, found.dir, precision, {
          origin: { repo: found.repo, revision: found.revision },
        });
      }
      return 0;
    }
    case 'convert': {
      if (!arg || !precision)
        throw new Error('usage: qwen-edit models convert <catalogue id | checkpoint dir> --precision p');
      const known = CATALOGUE.find((e) => e.id === arg || e.repo === arg);
      if (known) {
        await convert(root, known, sourcesDir(root, known.id), precision, {
          deleteSource: values['delete-source'],
        });
      } else {
        const found = await locateCheckpoint(arg);
        const entry = resolveCatalogueRef(found.repo ?? 'qwen-image-edit');
        await convert(root, entry, found.dir, precision, {
          deleteSource: values['delete-source'],
          origin: { repo: found.repo, revision: found.revision },
        });
      }
      return 0;
    }
    case 'use':
      if (!arg) throw new Error('usage: qwen-edit models use <folder>');
      await setActive(root, arg);
      console.log(`active model: ${arg}`);
      return 0;
    case 'verify': {
      if (!arg) throw new Error('usage: qwen-edit models verify <folder>');
      const manifest = await verifyInstalled(root, arg);
      console.log(`${arg}: all ${Object.keys(manifest.files).length} files match their sha256`);
      return 0;
    }
    case 'rm':
      if (!arg) throw new Error('usage: qwen-edit models rm <folder> --yes');
      if (!values.yes) {
        console.error(`this deletes ${join(root, arg)}; run again with --yes to confirm`);
        return 2;
      }
      await removeInstalled(root, arg);
      console.log(`removed ${arg}`);
      return 0;
    case 'plan':
      if (values.policy) {
        const folder = arg ?? (await activeFolder(root));
        if (!folder) throw new Error('no installed model to check');
        const manifest = JSON.parse(
          await readFile(join(root, folder, 'model.json'), 'utf8'),
        ) as ModelManifest;
        const [w, h] = values.size.split('x').map(Number) as [number, number];
        assertFits(
          { model: measuredSizes(manifest), machine: await probeMachine(), width: w, height: h },
          values.policy === 'low-memory' ? 'low-memory' : 'resident',
        );
      }
      return plan(root, values.size, values.device, arg);
    default:
      console.error(`usage: qwen-edit models ${summary.slice(summary.indexOf(':') + 2)}`);
      return 2;
  }
}
