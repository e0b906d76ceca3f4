/**
 * Runs the slabs of a graph's tensor jobs ahead of the writer, in file order, while the bytes of started
 * but unwritten slabs stay within a budget, and hands each output back in order. Worker threads thus stay
 * busy while the data file is written strictly in sequence: the output is byte-identical whatever the
 * number of threads, and memory is bounded by the budget (plus the one slab the writer waits for).
 */
import type { TensorJob } from './tensor-job';
import type { TensorRunner } from './tensor-runner';

type Unit = {
  job: TensorJob;
  slab: number;
  /** Bytes charged to the budget: the input's until the outputs arrive, then the unwritten outputs'. */
  charged: number;
  result?: Promise<(Uint8Array | undefined)[]>;
};

/** Bytes of slabs in flight (inputs or unwritten outputs) beyond the one the writer waits for. */
export const DEFAULT_BUDGET_BYTES = 256 << 20;

export class TensorPipeline {
  private readonly units: Unit[] = [];
  private readonly first = new Map<TensorJob, number>();
  private next = 0;
  private inFlight = 0;

  constructor(
    jobs: readonly TensorJob[],
    private readonly runner: TensorRunner,
    private readonly budget = DEFAULT_BUDGET_BYTES,
  ) {
    for (const job of jobs) {
      if (this.first.has(job)) continue;
      this.first.set(job, this.units.length);
      job.slabs.forEach((s, slab) => this.units.push({ job, slab, charged: s.inputBytes }));
    }
  }

  /** Output `k` of `job`, slab by slab, in order. */
  async *output(job: TensorJob, k: number): AsyncGenerator<Uint8Array> {
    const start = this.first.get(job);
    if (start === undefined) throw new Error('TensorPipeline: a job it was not given');
    for (let i = start; i < start + job.slabs.length; i++) {
      const unit = this.units[i]!;
      // The writer needs this slab now: it starts whatever the budget says, so the pipeline never stalls.
      if (!unit.result) this.start(unit);
      this.fill();
      const outputs = await unit.result!;
      const bytes = outputs[k];
      if (!bytes) throw new Error(`TensorPipeline: output ${k} of a slab was taken twice`);
      outputs[k] = undefined;
      this.release(unit, bytes.length);
      yield bytes;
      this.fill();
    }
  }

  private start(unit: Unit): void {
    this.inFlight += unit.charged;
    const slab = unit.job.slabs[unit.slab]!;
    unit.result = slab
      .read()
      .then((input) => this.runner.run(unit.job.op, input))
      .then((outputs) => {
        // Charge the outputs from now on instead of the input.
        const bytes = outputs.reduce((a, o) => a + o.length, 0);
        this.inFlight += bytes - unit.charged;
        unit.charged = bytes;
        return outputs;
      });
    // A failure surfaces when the writer reaches the slab; until then it must not be reported as unhandled.
    unit.result.catch(() => undefined);
  }

  private release(unit: Unit, bytes: number): void {
    unit.charged -= bytes;
    this.inFlight -= bytes;
  }

  private fill(): void {
    while (this.next < this.units.length) {
      const unit = this.units[this.next]!;
      if (unit.result) {
        this.next++;
        continue;
      }
      if (this.inFlight > 0 && this.inFlight + unit.charged > this.budget) return;
      this.start(unit);
      this.next++;
    }
  }
}
