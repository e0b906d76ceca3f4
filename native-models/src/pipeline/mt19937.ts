/**
 * The 32-bit Mersenne Twister (MT19937), seeded the way `torch.manual_seed` seeds its CPU generator:
 * the standard `init_genrand` recurrence on the low 32 bits of the seed.
 */
export class Mt19937 {
  private readonly state = new Uint32Array(624);
  private index = 624;

  constructor(seed: number | bigint) {
    const s = BigInt.asUintN(32, BigInt(seed));
    this.state[0] = Number(s);
    for (let i = 1; i < 624; i++) {
      const prev = this.state[i - 1]!;
      // 1812433253 * (prev ^ (prev >>> 30)) + i, modulo 2^32; Math.imul keeps it in 32 bits.
      this.state[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
  }

  /** The next 32-bit output as an unsigned integer. */
  nextUint32(): number {
    if (this.index >= 624) this.twist();
    let y = this.state[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const mt = this.state;
    for (let i = 0; i < 624; i++) {
      const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % 624]! & 0x7fffffff);
      let next = mt[(i + 397) % 624]! ^ (y >>> 1);
      if (y & 1) next ^= 0x9908b0df;
      mt[i] = next >>> 0;
    }
    this.index = 0;
  }
}
