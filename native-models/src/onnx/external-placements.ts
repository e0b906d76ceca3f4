/**
 * Where a saved ONNX model's initializers keep their bytes, read straight from the protobuf wire format:
 * only the fields on the path ModelProto.graph → GraphProto.initializer → TensorProto are decoded. LoRA
 * fusion at load time uses it to find the weights it patches inside the folder's data file.
 */
import { TENSOR_TYPE_CODES } from './dtypes';
import type { TensorDType } from './dtypes';

export type InitializerPlacement = Readonly<{
  name: string;
  dtype: TensorDType;
  dims: readonly number[];
  location: string;
  offset: number;
  length: number;
}>;

const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_DIMS = 1;
const TENSOR_DATA_TYPE = 2;
const TENSOR_NAME = 8;
const TENSOR_EXTERNAL_DATA = 13;
const TENSOR_DATA_LOCATION = 14;
const EXTERNAL = 1;
const LENGTH_DELIMITED = 2;

const DTYPE_BY_CODE = new Map<number, TensorDType>(
  Object.entries(TENSOR_TYPE_CODES).map(([name, code]) => [code, name as TensorDType]),
);

type Field = { number: number; wire: number; start: number; end: number; value: number; body?: Uint8Array };

function readVarint(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < bytes.length; i++) {
    const b = bytes[i]!;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if (b < 0x80) return [value, i + 1];
  }
  throw new Error('ONNX model: truncated varint');
}

/** The top-level fields of one message, in order, with their byte spans. */
function fields(bytes: Uint8Array): Field[] {
  const out: Field[] = [];
  let at = 0;
  while (at < bytes.length) {
    const start = at;
    const [tag, afterTag] = readVarint(bytes, at);
    const wire = tag % 8;
    const number = Math.floor(tag / 8);
    at = afterTag;
    let value = 0;
    let body: Uint8Array | undefined;
    if (wire === 0) [value, at] = readVarint(bytes, at);
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === LENGTH_DELIMITED) {
      const [length, afterLength] = readVarint(bytes, at);
      body = bytes.subarray(afterLength, afterLength + length);
      at = afterLength + length;
    } else throw new Error(`ONNX model: unsupported protobuf wire type ${wire}`);
    if (at > bytes.length) throw new Error('ONNX model: a field runs past the end of the file');
    out.push({ number, wire, start, end: at, value, ...(body ? { body } : {}) });
  }
  return out;
}

const utf8 = new TextDecoder();

function tensorPlacement(tensor: Uint8Array): InitializerPlacement | undefined {
  let name = '';
  let code = 0;
  const dims: number[] = [];
  const external: Record<string, string> = {};
  let location = 0;
  for (const f of fields(tensor)) {
    if (f.number === TENSOR_NAME && f.body) name = utf8.decode(f.body);
    else if (f.number === TENSOR_DATA_TYPE) code = f.value;
    else if (f.number === TENSOR_DATA_LOCATION) location = f.value;
    else if (f.number === TENSOR_DIMS) {
      if (f.body)
        for (let at = 0; at < f.body.length;) {
          const [d, next] = readVarint(f.body, at);
          dims.push(d);
          at = next;
        }
      else dims.push(f.value);
    } else if (f.number === TENSOR_EXTERNAL_DATA && f.body) {
      const entry = fields(f.body);
      const key = entry.find((e) => e.number === 1)?.body;
      const value = entry.find((e) => e.number === 2)?.body;
      if (key && value) external[utf8.decode(key)] = utf8.decode(value);
    }
  }
  if (location !== EXTERNAL || external.location === undefined) return undefined;
  const dtype = DTYPE_BY_CODE.get(code);
  if (!dtype) throw new Error(`ONNX model: initializer '${name}' has unknown data type ${code}`);
  return {
    name,
    dtype,
    dims,
    location: external.location,
    offset: Number(external.offset ?? 0),
    length: Number(external.length ?? 0),
  };
}

function graphOf(model: Uint8Array): Uint8Array {
  const graph = fields(model).find((f) => f.number === MODEL_GRAPH && f.body);
  if (!graph?.body) throw new Error('ONNX model: no graph');
  return graph.body;
}

/** Every initializer whose bytes lie in an external file, by name. */
export function externalPlacements(model: Uint8Array): Map<string, InitializerPlacement> {
  const out = new Map<string, InitializerPlacement>();
  for (const f of fields(graphOf(model))) {
    if (f.number !== GRAPH_INITIALIZER || !f.body) continue;
    const placement = tensorPlacement(f.body);
    if (placement) out.set(placement.name, placement);
  }
  return out;
}
