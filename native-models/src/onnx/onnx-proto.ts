/**
 * ONNX protobuf messages (onnx/onnx.proto, IR version 10) as plain TypeScript data, and their encoder.
 * Field numbers follow onnx.proto; only the fields the graph builders use are modelled.
 */
import { ProtoWriter } from './proto-writer';
import { TENSOR_TYPE_CODES } from './dtypes';
import type { TensorDType } from './dtypes';

export type Dim = number | string;

export type TensorProtoData = {
  name: string;
  dtype: TensorDType;
  dims: readonly number[];
} & ({ raw: Uint8Array } | { external: { location: string; offset: number; length: number } });

export type AttributeValue =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number | bigint }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: TensorProtoData }
  | { type: 'floats'; value: readonly number[] }
  | { type: 'ints'; value: readonly (number | bigint)[] }
  | { type: 'strings'; value: readonly string[] };

export type NodeProtoData = {
  opType: string;
  name: string;
  domain: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes: readonly (readonly [string, AttributeValue])[];
};

export type ValueInfoData = { name: string; dtype: TensorDType; dims: readonly Dim[] };

export type GraphProtoData = {
  name: string;
  nodes: readonly NodeProtoData[];
  initializers: readonly TensorProtoData[];
  inputs: readonly ValueInfoData[];
  outputs: readonly ValueInfoData[];
};

export type ModelProtoData = {
  irVersion: number;
  opsets: readonly { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  graph: GraphProtoData;
  metadata?: Readonly<Record<string, string>>;
};

const ATTRIBUTE_TYPE_CODES = {
  float: 1,
  int: 2,
  string: 3,
  tensor: 4,
  floats: 6,
  ints: 7,
  strings: 8,
} as const;

function writeTensor(w: ProtoWriter, t: TensorProtoData): void {
  w.packedInts(1, t.dims);
  w.int(2, TENSOR_TYPE_CODES[t.dtype]);
  w.string(8, t.name);
  if ('raw' in t) {
    w.bytes(9, t.raw);
  } else {
    const entries: [string, string][] = [
      ['location', t.external.location],
      ['offset', String(t.external.offset)],
      ['length', String(t.external.length)],
    ];
    for (const [key, value] of entries) {
      w.message(13, (e) => {
        e.string(1, key);
        e.string(2, value);
      });
    }
    w.int(14, 1);
  }
}

function writeAttribute(w: ProtoWriter, name: string, a: AttributeValue): void {
  w.string(1, name);
  w.int(20, ATTRIBUTE_TYPE_CODES[a.type]);
  switch (a.type) {
    case 'float':
      w.float(2, a.value);
      break;
    case 'int':
      w.int(3, a.value);
      break;
    case 'string':
      w.string(4, a.value);
      break;
    case 'tensor':
      w.message(5, (t) => writeTensor(t, a.value));
      break;
    case 'floats':
      w.packedFloats(7, a.value);
      break;
    case 'ints':
      w.packedInts(8, a.value);
      break;
    case 'strings':
      for (const s of a.value) w.string(9, s);
      break;
  }
}

function writeNode(w: ProtoWriter, n: NodeProtoData): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.opType);
  for (const [name, a] of n.attributes) w.message(5, (aw) => writeAttribute(aw, name, a));
  if (n.domain) w.string(7, n.domain);
}

function writeValueInfo(w: ProtoWriter, v: ValueInfoData): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, TENSOR_TYPE_CODES[v.dtype]);
      tensor.message(2, (shape) => {
        for (const d of v.dims) {
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
}

function writeGraph(w: ProtoWriter, g: GraphProtoData): void {
  for (const n of g.nodes) w.message(1, (nw) => writeNode(nw, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (tw) => writeTensor(tw, t));
  for (const v of g.inputs) w.message(11, (vw) => writeValueInfo(vw, v));
  for (const v of g.outputs) w.message(12, (vw) => writeValueInfo(vw, v));
}

/** Serialises a ModelProto. */
export function encodeModel(m: ModelProtoData): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, m.irVersion);
  w.string(2, m.producerName);
  w.string(3, m.producerVersion);
  w.message(7, (g) => writeGraph(g, m.graph));
  for (const o of m.opsets) {
    w.message(8, (ow) => {
      if (o.domain) ow.string(1, o.domain);
      ow.int(2, o.version);
    });
  }
  for (const [key, value] of Object.entries(m.metadata ?? {})) {
    w.message(14, (e) => {
      e.string(1, key);
      e.string(2, value);
    });
  }
  return w.finish();
}
