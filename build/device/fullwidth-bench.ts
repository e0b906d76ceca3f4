/**
 * The `fullwidth` bench (build/bench/fullwidth.bench.ts) as a bundled entry, so a lent device's quiet
 * 16-core CPU can time every variant at the real token counts: `FULLWIDTH_TOKENS=8192,64 ./node
 * app/fullwidth-bench.mjs` prints the table, then the figures as one JSON line.
 */
import { run } from '../bench/fullwidth.bench';

const result = await run();
console.log(result.table);
console.log(JSON.stringify(result.figures));
