/**
 * Kernel coverage: does every node of a graph have a kernel for its (op, domain, element types) on an
 * execution provider? A strict CUDA session refuses a graph with a node it cannot place, and a lenient
 * one silently runs it on the CPU (which has no bf16 kernels), so the builders are checked against a table
 * of the provider's registrations (cuda-kernels.json, webgpu-kernels.json; extracted from onnxruntime's source).
 */
import { TENSOR_TYPE_CODES } from './dtypes';
import type { TensorDType } from './dtypes';
import type { GraphView } from './graph-builder';
import type { NodeProtoData } from './onnx-proto';

export type KernelEntry = Readonly<{
  op: string;
  /** '' = ai.onnx. */
  domain: string;
  since: number;
  /** Type-constraint name of each input position (and of each output). */
  inputs: readonly string[];
  outputs: readonly string[];
  types: Readonly<Record<string, readonly string[]>>;
  /** The last input's constraint repeats (Concat). */
  variadic?: boolean;
}>;

export type KernelTable = Readonly<{ provider: string; kernels: readonly KernelEntry[] }>;

const DTYPE_OF_CODE = new Map<number, TensorDType>(
  Object.entries(TENSOR_TYPE_CODES).map(([name, code]) => [code, name as TensorDType]),
);

function castTarget(node: NodeProtoData): TensorDType {
  const to = node.attributes.find(([name]) => name === 'to')?.[1];
  const dtype = to?.type === 'int' ? DTYPE_OF_CODE.get(Number(to.value)) : undefined;
  if (!dtype) throw new Error(`${node.name}: Cast without a known 'to' type`);
  return dtype;
}

/** The element type of every output of `node`, given its inputs' types. */
function outputTypes(node: NodeProtoData, typeOf: (value: string) => TensorDType | undefined): TensorDType {
  switch (node.opType) {
    case 'Cast':
      return castTarget(node);
    case 'Shape':
      return 'int64';
    case 'Equal':
    case 'LessOrEqual':
    case 'And':
      return 'bool';
    case 'NonZero':
      return 'int64';
    case 'ConstantOfShape':
      // The builders never set `value`, whose default is a float32 zero.
      return 'float32';
    case 'Where':
      return typeOf(node.inputs[1]!)!;
    default: {
      const first = typeOf(node.inputs[0]!);
      if (!first)
        throw new Error(`${node.name} (${node.opType}): the type of '${node.inputs[0]}' is unknown`);
      return first;
    }
  }
}

/** Element types of every value of the graph, inferred in node order from its inputs and initializers. */
export function valueTypes(graph: GraphView): Map<string, TensorDType> {
  const types = new Map<string, TensorDType>();
  for (const i of graph.inputs) types.set(i.name, i.dtype);
  for (const i of graph.initializers) types.set(i.name, i.dtype);
  for (const node of graph.nodes) {
    const t = outputTypes(node, (v) => types.get(v));
    for (const o of node.outputs) if (o) types.set(o, t);
  }
  return types;
}

/**
 * Every node of `graph` the table has no kernel for, as `op(domain) name: input k is T`, or an empty list.
 * A node is covered when its op is in the table and every connected input and output has a type its
 * constraint allows.
 */
export function uncoveredNodes(graph: GraphView, table: KernelTable): string[] {
  const types = valueTypes(graph);
  const entries = new Map(table.kernels.map((k) => [`${k.domain}|${k.op}`, k]));
  const problems: string[] = [];
  for (const node of graph.nodes) {
    const label = `${node.opType}${node.domain ? `(${node.domain})` : ''} ${node.name}`;
    const entry = entries.get(`${node.domain}|${node.opType}`);
    if (!entry) {
      problems.push(`${label}: no ${table.provider} kernel for this op`);
      continue;
    }
    const check = (values: readonly string[], constraints: readonly string[], what: string) =>
      values.forEach((value, i) => {
        if (!value) return;
        const c = constraints[Math.min(i, constraints.length - 1)];
        if (!c || (i >= constraints.length && !entry.variadic && what === 'input')) {
          problems.push(`${label}: ${what} ${i} has no type constraint in the table`);
          return;
        }
        const t = types.get(value);
        if (!t || !entry.types[c]?.includes(t))
          problems.push(`${label}: ${what} ${i} is ${t ?? 'unknown'} (${c})`);
      });
    check(node.inputs, entry.inputs, 'input');
    check(node.outputs, entry.outputs, 'output');
  }
  return problems;
}
