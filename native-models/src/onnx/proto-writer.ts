/**
 * A minimal protobuf wire-format writer: just what encoding ONNX messages needs (varints, 32-bit floats,
 * length-delimited bytes and sub-messages). Messages are small (weights live in external data), so each
 * message is built in memory and nested by length prefix.
 */
const textEncoder = new TextEncoder();

export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private current = new Uint8Array(256);
  private pos = 0;
  private total = 0;

  private reserve(n: number): void {
    if (this.pos + n <= this.current.length) return;
    this.flushCurrent();
    this.current = new Uint8Array(Math.max(n, 4096));
  }

  private flushCurrent(): void {
    if (this.pos > 0) this.chunks.push(this.current.subarray(0, this.pos));
    this.pos = 0;
  }

  private byte(b: number): void {
    this.reserve(1);
    this.current[this.pos++] = b;
    this.total++;
  }

  private raw(bytes: Uint8Array): void {
    if (bytes.length > 1024) {
      this.flushCurrent();
      this.current = this.current.subarray(this.current.length);
      this.chunks.push(bytes);
      this.total += bytes.length;
      return;
    }
    this.reserve(bytes.length);
    this.current.set(bytes, this.pos);
    this.pos += bytes.length;
    this.total += bytes.length;
  }

  /** Unsigned or negative (two's complement, 10 bytes) integer as a varint. */
  varint(value: number | bigint): void {
    if (typeof value === 'number' && value >= 0 && value <= 0x7fffffff) {
      let v = value;
      while (v > 0x7f) {
        this.byte((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      this.byte(v);
      return;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    while (v > 0x7fn) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, value: number | bigint): void {
    this.tag(field, 0);
    this.varint(value);
  }

  float(field: number, value: number): void {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.raw(b);
  }

  bytes(field: number, value: Uint8Array): void {
    this.tag(field, 2);
    this.varint(value.length);
    this.raw(value);
  }

  string(field: number, value: string): void {
    this.bytes(field, textEncoder.encode(value));
  }

  message(field: number, encode: (w: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    encode(inner);
    this.bytes(field, inner.finish());
  }

  packedInts(field: number, values: readonly (number | bigint)[]): void {
    if (values.length === 0) return;
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    this.bytes(field, inner.finish());
  }

  packedFloats(field: number, values: readonly number[]): void {
    if (values.length === 0) return;
    const b = new Uint8Array(values.length * 4);
    const view = new DataView(b.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    this.bytes(field, b);
  }

  finish(): Uint8Array {
    this.flushCurrent();
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = new Uint8Array(this.total);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
