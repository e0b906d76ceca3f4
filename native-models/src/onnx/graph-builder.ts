/**
 * GraphBuilder: assembles one ONNX graph (nodes, graph I/O, initializers, de-duplicated constants) and saves
 * it as a small `model.onnx` plus one external-data file. Initializers are registered with their bytes or with
 * a loader; `save()` writes them one at a time, so the whole model is never held in memory.
 */
import { createHash } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative } from 'node:path';
import { ExternalDataWriter } from './external-data';
import { byteLength, encodeNumbers } from './dtypes';
import type { TensorDType } from './dtypes';
import { encodeModel } from './onnx-proto';
import type { AttributeValue, Dim, NodeProtoData, TensorProtoData, ValueInfoData } from './onnx-proto';
import { precisionPlan } from './precision';
import type { ComputeType, PrecisionOptions, PrecisionPlan } from './precision';
import type { FileRange } from '../weights';
import type { TensorJob } from './tensor-job';
import { TensorPipeline } from './tensor-pipeline';
import { currentTensorRunner } from './tensor-runner';

export const IR_VERSION = 10;
export const OPSET = 23;
export const MS_DOMAIN = 'com.microsoft';

/** An attribute value: integers → INT, other numbers → FLOAT, number[] of integers → INTS; tag otherwise. */
export type AttrInput = number | bigint | string | readonly number[] | readonly string[] | AttributeValue;

/** Explicit attribute tags for values the inference above would get wrong (a float that is whole, …). */
export const attr = {
  float: (value: number): AttributeValue => ({ type: 'float', value }),
  int: (value: number | bigint): AttributeValue => ({ type: 'int', value }),
  floats: (value: readonly number[]): AttributeValue => ({ type: 'floats', value }),
  ints: (value: readonly number[]): AttributeValue => ({ type: 'ints', value }),
  string: (value: string): AttributeValue => ({ type: 'string', value }),
} as const;

export type NodeOptions = Readonly<{
  domain?: string;
  /** Node name: relative to the current scope, or absolute when it starts with '/'. Default: the op type. */
  name?: string;
  /** Number of outputs (default 1). */
  outputs?: number;
}>;

/** Where an initializer's bytes come from. */
export type InitializerSource =
  | { data: ArrayBufferView }
  | { load: () => Promise<ArrayBufferView> }
  /** Output `output` of a tensor job (run on the conversion's worker threads, slab by slab). */
  | { job: TensorJob; output: number }
  /**
   * Bytes copied from a file range at save time; `reference: true` points the model at the file instead (it
   * must then lie inside the model's folder: ORT refuses external data outside it).
   */
  | { file: FileRange; reference?: boolean };

export type InitializerSpec = Readonly<{ dtype: TensorDType; dims: readonly number[] }> & InitializerSource;

export type IoSpec = Readonly<{ name: string; dtype: TensorDType; dims: readonly Dim[] }>;

export type SaveOptions = Readonly<{
  /** Model file name inside the directory (default 'model.onnx'). */
  modelFile?: string;
  /** External data file name (default `<modelFile>.data`). */
  dataFile?: string;
  /** Offset alignment of every external tensor (default 65536). */
  alignment?: number;
  /** Initializers with in-memory bytes up to this size stay inside the .onnx (default 1024). */
  inlineMaxBytes?: number;
  metadata?: Readonly<Record<string, string>>;
  /**
   * Weights another graph already wrote into a data file in `dir`: an initializer with a loaded or file
   * source (a checkpoint weight, not a constant) whose name and byte length match one of these is referenced
   * there instead of written again, so sessions of both graphs map one copy. The caller vouches that the
   * bytes are the same: same checkpoint tensor, built at the same precision by the same helpers.
   */
  reuse?: readonly ExternalPlacement[];
  onProgress?: (p: { bytesDone: number; bytesTotal: number; tensor: string }) => void;
}>;

export type SavedModel = Readonly<{
  modelPath: string;
  dataPath: string;
  modelBytes: number;
  /** Size of the external data file (payload plus alignment gaps). */
  dataBytes: number;
  /** Initializer payload bytes written to the data file (referenced ranges excluded). */
  payloadBytes: number;
  initializers: number;
  nodes: number;
  /** sha256 (hex) of the model file and of the data file, computed while writing them. */
  sha256: Readonly<{ model: string; data: string }>;
  /** Where each external initializer's bytes are. */
  placements: readonly ExternalPlacement[];
  inputs: readonly IoSpec[];
  outputs: readonly IoSpec[];
}>;

/** What a graph that reuses another's data file needs of it: where the files are and where each weight lies. */
export type SharedWeights = Pick<SavedModel, 'modelPath' | 'dataPath' | 'placements'>;

export type GraphView = Readonly<{
  nodes: readonly NodeProtoData[];
  inputs: readonly IoSpec[];
  initializers: readonly Readonly<{ name: string; dtype: TensorDType; dims: readonly number[] }>[];
}>;

export type ExternalPlacement = Readonly<{ name: string; location: string; offset: number; length: number }>;

type Initializer = { name: string; spec: InitializerSpec };

/** A reused range must lie in a file inside `dir` that holds it (ORT would otherwise fail at load time). */
async function checkReusedRange(dir: string, at: ExternalPlacement): Promise<void> {
  const location = relative(dir, join(dir, at.location));
  if (location.startsWith('..') || isAbsolute(at.location))
    throw new Error(
      `initializer '${at.name}': reused file ${at.location} is outside the model folder ${dir}`,
    );
  const size = (await stat(join(dir, location)).catch(() => undefined))?.size;
  if (size === undefined || size < at.offset + at.length)
    throw new Error(
      `initializer '${at.name}': ${join(dir, location)} does not hold bytes ${at.offset}..${at.offset + at.length}`,
    );
}

function toAttribute(value: AttrInput): AttributeValue {
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { type: 'int', value } : { type: 'float', value };
  }
  if (typeof value === 'bigint') return { type: 'int', value };
  if (typeof value === 'string') return { type: 'string', value };
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return { type: 'strings', value: value as string[] };
    const nums = value as readonly number[];
    return nums.every((v) => Number.isInteger(v))
      ? { type: 'ints', value: nums }
      : { type: 'floats', value: nums };
  }
  return value as AttributeValue;
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return view instanceof Uint8Array ? view : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function formatNumber(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

export class GraphBuilder {
  readonly name: string;
  readonly plan: PrecisionPlan;
  private readonly nodes: NodeProtoData[] = [];
  private readonly inputs: IoSpec[] = [];
  private readonly outputs: IoSpec[] = [];
  private readonly inits: Initializer[] = [];
  private readonly initNames = new Set<string>();
  private readonly nodeNames = new Set<string>();
  private readonly valueNames = new Set<string>();
  private readonly scopes: string[] = [];
  private readonly opsetImports = new Map<string, number>([['', OPSET]]);

  constructor(options: Readonly<{ name: string } & PrecisionOptions>) {
    this.name = options.name;
    this.plan = precisionPlan(options);
  }

  /** The element type activations have inside the graph. */
  get compute(): ComputeType {
    return this.plan.compute;
  }

  /** Runs `fn` with `name` appended to the node-name scope (`/a/b/...`). */
  scope<T>(name: string, fn: () => T): T {
    this.scopes.push(name);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  /** The current scope as a path, e.g. `/transformer_blocks.0/attn`. */
  get scopePath(): string {
    return this.scopes.map((s) => `/${s}`).join('');
  }

  /** Declares a graph input. Dims: numbers, or strings for dynamic (named) dims. */
  input(name: string, dtype: TensorDType, dims: readonly Dim[]): string {
    this.claimValue(name);
    this.inputs.push({ name, dtype, dims });
    return name;
  }

  /** Declares a graph output named `name` carrying `value` (an Identity renames it when needed). */
  output(value: string, name: string, dtype: TensorDType, dims: readonly Dim[]): void {
    if (value !== name) {
      this.claimValue(name);
      this.nodes.push({
        opType: 'Identity',
        name: `/outputs/${name}`,
        domain: '',
        inputs: [value],
        outputs: [name],
        attributes: [],
      });
    }
    this.outputs.push({ name, dtype, dims });
  }

  /** Adds a node; returns its output names (`<node name>/output_<i>`). Use '' for an omitted optional input. */
  node(
    opType: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, AttrInput>> = {},
    options: NodeOptions = {},
  ): string[] {
    const domain = options.domain ?? '';
    if (domain && !this.opsetImports.has(domain)) this.opsetImports.set(domain, 1);
    const base = options.name?.startsWith('/') ? options.name : `${this.scopePath}/${options.name ?? opType}`;
    let name = base;
    for (let i = 1; this.nodeNames.has(name); i++) name = `${base}_${i}`;
    this.nodeNames.add(name);
    const outputs = Array.from({ length: options.outputs ?? 1 }, (_, i) => `${name}/output_${i}`);
    for (const o of outputs) this.claimValue(o);
    const attributes = Object.entries(attrs).map(([k, v]) => [k, toAttribute(v)] as const);
    this.nodes.push({ opType, name, domain, inputs, outputs, attributes });
    return outputs;
  }

  /** `node()` for single-output nodes. */
  op(
    opType: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, AttrInput>> = {},
    options: NodeOptions = {},
  ): string {
    return this.node(opType, inputs, attrs, { ...options, outputs: 1 })[0]!;
  }

  /** Registers an initializer under an exact name (no scope); throws on duplicates. */
  initializer(name: string, spec: InitializerSpec): string {
    if (this.initNames.has(name)) throw new Error(`initializer '${name}' is defined twice`);
    this.claimValue(name);
    this.initNames.add(name);
    this.inits.push({ name, spec });
    return name;
  }

  hasInitializer(name: string): boolean {
    return this.initNames.has(name);
  }

  /**
   * A de-duplicated constant, named `/constants/<dtype>/<value>` for a scalar (dims []) and
   * `/constants/<dtype>/[v0,v1,…]` for a 1-D list. `dtype` defaults to the compute type.
   */
  constant(values: number | readonly number[], dtype: TensorDType = this.compute): string {
    const list = typeof values === 'number' ? [values] : values;
    const dims = typeof values === 'number' ? [] : [list.length];
    const key = typeof values === 'number' ? formatNumber(values) : `[${list.map(formatNumber).join(',')}]`;
    const name = `/constants/${dtype}/${key}`;
    if (!this.initNames.has(name)) this.initializer(name, { dtype, dims, data: encodeNumbers(list, dtype) });
    return name;
  }

  /** A constant tensor filled with one value, named `/constants/<dtype>/<value>x[d0,d1,…]`. */
  filled(value: number, dims: readonly number[], dtype: TensorDType = this.compute): string {
    const name = `/constants/${dtype}/${formatNumber(value)}x[${dims.join(',')}]`;
    if (!this.initNames.has(name)) {
      const n = dims.reduce((a, d) => a * d, 1);
      this.initializer(name, { dtype, dims, data: encodeNumbers(new Array<number>(n).fill(value), dtype) });
    }
    return name;
  }

  /** A constant tensor given as bytes, de-duplicated by content hash (`/constants/<dtype>/sha1-…`). */
  tensorConstant(data: ArrayBufferView, dtype: TensorDType, dims: readonly number[]): string {
    const bytes = bytesOf(data);
    const hash = createHash('sha1').update(bytes).update(JSON.stringify(dims)).digest('hex').slice(0, 16);
    const name = `/constants/${dtype}/sha1-${hash}`;
    if (!this.initNames.has(name)) this.initializer(name, { dtype, dims, data: bytes.slice() });
    return name;
  }

  /** Graph I/O as declared so far (for model.json). */
  io(): { inputs: readonly IoSpec[]; outputs: readonly IoSpec[] } {
    return { inputs: [...this.inputs], outputs: [...this.outputs] };
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  /** The graph as built so far, for checks that walk it (kernel coverage); no weight bytes are read. */
  view(): GraphView {
    return {
      nodes: [...this.nodes],
      inputs: [...this.inputs],
      initializers: this.inits.map((i) => ({ name: i.name, dtype: i.spec.dtype, dims: i.spec.dims })),
    };
  }

  private claimValue(name: string): void {
    if (!name) throw new Error('empty value name');
    if (this.valueNames.has(name)) throw new Error(`value name '${name}' is used twice`);
    this.valueNames.add(name);
  }

  /** Writes `<dir>/<modelFile>` and its external data file. */
  async save(dir: string, options: SaveOptions = {}): Promise<SavedModel> {
    const modelFile = options.modelFile ?? 'model.onnx';
    const dataFile = options.dataFile ?? `${modelFile}.data`;
    const inlineMax = options.inlineMaxBytes ?? 1024;
    await mkdir(dir, { recursive: true });
    const modelPath = join(dir, modelFile);
    const dataPath = join(dir, dataFile);
    const reusable = new Map((options.reuse ?? []).map((p) => [p.name, p]));
    const reused = ({ name, spec }: Initializer): ExternalPlacement | undefined => {
      const at = 'data' in spec ? undefined : reusable.get(name);
      return at && at.length === byteLength(spec.dtype, spec.dims) ? at : undefined;
    };
    const bytesTotal = this.inits.reduce(
      (a, init) =>
        a +
        (('file' in init.spec && init.spec.reference) || reused(init)
          ? 0
          : byteLength(init.spec.dtype, init.spec.dims)),
      0,
    );
    let bytesDone = 0;
    const writer = await ExternalDataWriter.create(dataPath, options.alignment ?? 65536);
    const tensors: TensorProtoData[] = [];
    const jobs = this.inits.flatMap(({ spec }) => ('job' in spec ? [spec.job] : []));
    const runner = currentTensorRunner();
    const pipeline = new TensorPipeline(jobs, runner);
    let dataSha256 = '';
    let closed = false;
    try {
      for (const init of this.inits) {
        const { name, spec } = init;
        runner.signal?.throwIfAborted();
        const expected = byteLength(spec.dtype, spec.dims);
        const base = { name, dtype: spec.dtype, dims: spec.dims };
        const shared = reused(init);
        if (shared) {
          await checkReusedRange(dir, shared);
          tensors.push({
            ...base,
            external: { location: shared.location, offset: shared.offset, length: shared.length },
          });
          continue;
        }
        if ('file' in spec) {
          if (spec.file.length !== expected) {
            throw new Error(
              `initializer '${name}': ${spec.file.path} holds ${spec.file.length} bytes, expected ${expected}`,
            );
          }
          if (spec.reference) {
            const location = relative(dir, spec.file.path);
            if (location.startsWith('..') || isAbsolute(location)) {
              // ORT (1.2x) refuses external data that resolves outside the model's folder.
              throw new Error(
                `initializer '${name}': referenced file ${spec.file.path} is outside the model folder ${dir}`,
              );
            }
            tensors.push({
              ...base,
              external: { location, offset: spec.file.offset, length: spec.file.length },
            });
            continue;
          }
          const at = await writer.appendFromFile(spec.file);
          tensors.push({ ...base, external: { location: basename(dataPath), ...at } });
        } else if ('job' in spec) {
          const parts = pipeline.output(spec.job, spec.output);
          const at = await writer.appendParts(expected, parts).catch((error: Error) => {
            throw new Error(`initializer '${name}': ${error.message}`);
          });
          tensors.push({ ...base, external: { location: basename(dataPath), ...at } });
        } else {
          const bytes = bytesOf('data' in spec ? spec.data : await spec.load());
          if (bytes.length !== expected) {
            throw new Error(
              `initializer '${name}': got ${bytes.length} bytes, expected ${expected} (${spec.dtype} [${spec.dims.join(', ')}])`,
            );
          }
          if ('data' in spec && bytes.length <= inlineMax) {
            tensors.push({ ...base, raw: bytes });
          } else {
            const at = await writer.append(bytes);
            tensors.push({ ...base, external: { location: basename(dataPath), ...at } });
          }
        }
        bytesDone += expected;
        options.onProgress?.({ bytesDone, bytesTotal, tensor: name });
      }
      dataSha256 = await writer.close();
      closed = true;
    } finally {
      if (!closed) await writer.close();
    }
    const toValueInfo = (io: IoSpec): ValueInfoData => ({ name: io.name, dtype: io.dtype, dims: io.dims });
    const model = encodeModel({
      irVersion: IR_VERSION,
      opsets: [...this.opsetImports].map(([domain, version]) => ({ domain, version })),
      producerName: 'qwen-edit-studio native-models',
      producerVersion: '0.1.0',
      graph: {
        name: this.name,
        nodes: this.nodes,
        initializers: tensors,
        inputs: this.inputs.map(toValueInfo),
        outputs: this.outputs.map(toValueInfo),
      },
      metadata: options.metadata,
    });
    await writeFile(modelPath, model);
    const modelSha256 = createHash('sha256').update(model).digest('hex');
    return {
      modelPath,
      dataPath,
      modelBytes: model.length,
      dataBytes: writer.size,
      payloadBytes: writer.bytesWritten,
      initializers: tensors.length,
      nodes: this.nodes.length,
      sha256: { model: modelSha256, data: dataSha256 },
      placements: tensors.flatMap((t) => ('external' in t ? [{ name: t.name, ...t.external }] : [])),
      inputs: [...this.inputs],
      outputs: [...this.outputs],
    };
  }
}
