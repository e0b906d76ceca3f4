/**
 * The LoRAs a user can pick for an edit: the catalogue's LoRAs once downloaded (`.sources/<id>/<file>`) and
 * the files the user added (`<root>/loras/*.safetensors`). Ids are stable across launches — the catalogue id,
 * or `file:<name>` — so a recipe can name the LoRA it used; its sha256 pins the exact file.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readSafetensorsHeader } from '../safetensors';
import { CATALOGUE } from './catalogue';
import { sourcesDir } from './models-root';
import { readSourceRecord } from './pull';

export type LoraEntry = Readonly<{
  id: string;
  name: string;
  path: string;
  bytes: number;
  /** A Lightning (step-distilled) LoRA's step count, else null. */
  lightningSteps: 4 | 8 | null;
  /** The catalogue's base model id it was trained for, null when unknown. */
  baseId: string | null;
  source: 'catalogue' | 'added';
}>;

export const LORAS_DIR = 'loras';
const FILE_PREFIX = 'file:';
/** A plain file name: no folders, no leading dot, the safetensors extension. */
const FILE_NAME = /^[\w][\w .()+,-]{0,190}\.safetensors$/;

export class LoraLibraryError extends Error {
  override name = 'LoraLibraryError';
}

/** 4 or 8 when the name says it is a Lightning LoRA at that many steps (as the published files are named). */
export function lightningSteps(name: string): 4 | 8 | null {
  if (!/lightning/i.test(name)) return null;
  const steps = /(?:^|[^\d])([48])[-_ ]?steps?/i.exec(name)?.[1];
  return steps === '4' ? 4 : steps === '8' ? 8 : null;
}

export async function listLoras(root: string): Promise<LoraEntry[]> {
  const entries: LoraEntry[] = [];
  for (const e of CATALOGUE) {
    const file = e.files?.[0];
    if (e.kind !== 'lora' || !file) continue;
    const dir = sourcesDir(root, e.id);
    if (!(await readSourceRecord(dir))) continue;
    const path = join(dir, file);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) continue;
    entries.push({
      id: e.id,
      name: e.name,
      path,
      bytes: info.size,
      lightningSteps: lightningSteps(e.id),
      baseId: e.baseId ?? null,
      source: 'catalogue',
    });
  }
  const dir = join(root, LORAS_DIR);
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => FILE_NAME.test(n)).sort()) {
    const info = await stat(join(dir, name)).catch(() => null);
    if (!info?.isFile()) continue;
    entries.push({
      id: FILE_PREFIX + name,
      name: name.replace(/\.safetensors$/, ''),
      path: join(dir, name),
      bytes: info.size,
      lightningSteps: lightningSteps(name),
      baseId: null,
      source: 'added',
    });
  }
  return entries;
}

/** The library's LoRA with this id, or a refusal naming it. */
export async function resolveLora(root: string, id: string): Promise<LoraEntry> {
  const found = (await listLoras(root)).find((e) => e.id === id);
  if (!found) throw new LoraLibraryError(`no LoRA '${id}' in the library (${join(root, LORAS_DIR)})`);
  return found;
}

/** LoRA tensors are named after their low-rank factors (diffusers/PEFT, kohya/ComfyUI) or carry an alpha. */
const LORA_TENSOR = /lora_(?:A|B|down|up)\b|\.alpha$|lora\./i;

/**
 * Adds a LoRA file to the library: checked to be a safetensors file with LoRA tensors, written under a
 * temporary name and renamed, so a refused or interrupted add leaves nothing behind.
 */
export async function addLoraFile(root: string, fileName: string, bytes: Uint8Array): Promise<LoraEntry> {
  const name = basename(fileName);
  if (!FILE_NAME.test(name)) {
    throw new LoraLibraryError(
      `'${fileName}' is not a LoRA file name: a plain name ending in .safetensors (letters, digits, spaces, ._-+,() )`,
    );
  }
  const dir = join(root, LORAS_DIR);
  await mkdir(dir, { recursive: true });
  const target = join(dir, name);
  if (await stat(target).catch(() => null)) {
    throw new LoraLibraryError(
      `the library already has a LoRA named '${name}'; rename the file to add it too`,
    );
  }
  const temp = join(dir, `.${randomBytes(6).toString('hex')}.part`);
  try {
    await writeFile(temp, bytes);
    const header = await readSafetensorsHeader(temp).catch((error: Error) => {
      throw new LoraLibraryError(
        `'${name}' is not a safetensors file: ${error.message.replace(`${temp}: `, '')}`,
      );
    });
    if (!header.tensors.some((t) => LORA_TENSOR.test(t.name))) {
      throw new LoraLibraryError(
        `'${name}' holds no LoRA tensors (no lora_A/lora_B, lora_down/lora_up or alpha names): is it a full model?`,
      );
    }
    await rename(temp, target);
  } finally {
    await rm(temp, { force: true });
  }
  return resolveLora(root, FILE_PREFIX + name);
}
