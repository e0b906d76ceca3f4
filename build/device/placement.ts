/**
 * Where ORT puts a graph's nodes. ORT reports the placement only in its verbose log
 * (`VerifyEachNodeIsAssignedToAnEp`: "All nodes placed on [X]" or, per provider, "Node(s) placed on [X].
 * Number of nodes: N" followed by one "   OpType (node name)" entry each), so the check reads that text.
 */
import type { InferenceSession } from 'onnxruntime-node';

/** Session options on one provider; `strict` refuses sessions that would put nodes on the CPU. */
export function strictSessionOptions(provider: string, strict = true): InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    ...(strict && provider !== 'cpu' ? { extra: { session: { disable_cpu_ep_fallback: '1' } } } : {}),
  };
}

export type Placement = Readonly<{
  /** Nodes per provider, as ORT counted them. */
  nodes: Record<string, number>;
  /** Op types per provider other than the one asked for, with counts: what that provider lacks. */
  elsewhere: Record<string, Record<string, number>>;
}>;

const SOURCE = 'VerifyEachNodeIsAssignedToAnEp]';

/** Parses ORT's verbose log text (each node is its own log entry, after the function's tag). */
export function nodePlacement(log: string): Placement {
  const nodes: Record<string, number> = {};
  const ops: Record<string, Record<string, number>> = {};
  let current: string | null = null;
  for (const line of log.split('\n')) {
    const at = line.indexOf(SOURCE);
    if (at < 0) continue;
    const text = line.slice(at + SOURCE.length);
    const placed = /(?:All nodes|Node\(s\)) placed on \[(\w+)\]\. Number of nodes: (\d+)/.exec(text);
    if (placed) {
      current = placed[1]!;
      nodes[current] = Number(placed[2]);
      continue;
    }
    const node = /^\s{2,}(\S+) \(/.exec(text);
    if (current && node) {
      const byOp = (ops[current] ??= {});
      byOp[node[1]!] = (byOp[node[1]!] ?? 0) + 1;
    } else current = null;
  }
  const providers = Object.keys(nodes);
  const main = providers.sort((a, b) => nodes[b]! - nodes[a]!)[0];
  const elsewhere = Object.fromEntries(providers.filter((p) => p !== main).map((p) => [p, ops[p] ?? {}]));
  return { nodes, elsewhere };
}
