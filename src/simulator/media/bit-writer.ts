/**
 * MSB-first bit writer for H.264 RBSPs: fixed-width fields, Exp-Golomb codes and
 * byte-aligned bulk copies (I_PCM samples) into one growable buffer.
 */
export class BitWriter {
  private buf: Uint8Array;
  private pos = 0;
  /** Pending bits not yet flushed to `buf`, left-aligned in the low `nbits` bits. */
  private acc = 0;
  private nbits = 0;

  constructor(initialBytes = 1024) {
    this.buf = new Uint8Array(Math.max(16, initialBytes));
  }

  /** Writes the low `count` bits of `value` (count ≤ 32), most significant first. */
  bits(value: number, count: number): this {
    if (count > 24) {
      this.bits(Math.floor(value / 0x10000) & 0xffff, count - 16);
      return this.bits(value & 0xffff, 16);
    }
    this.acc = ((this.acc << count) | (value & ((1 << count) - 1))) >>> 0;
    this.nbits += count;
    while (this.nbits >= 8) {
      this.nbits -= 8;
      this.pushByte((this.acc >>> this.nbits) & 0xff);
    }
    this.acc &= (1 << this.nbits) - 1;
    return this;
  }

  bit(flag: boolean | number): this {
    return this.bits(flag ? 1 : 0, 1);
  }

  /** Unsigned Exp-Golomb, `ue(v)`. */
  ue(value: number): this {
    const v = value + 1;
    const len = 32 - Math.clz32(v);
    this.bits(0, len - 1);
    return this.bits(v, len);
  }

  /** Signed Exp-Golomb, `se(v)`: 0, 1, -1, 2, -2, ... */
  se(value: number): this {
    return this.ue(value > 0 ? 2 * value - 1 : -2 * value);
  }

  get byteAligned(): boolean {
    return this.nbits === 0;
  }

  /** Pads with zero bits up to the next byte boundary (e.g. `pcm_alignment_zero_bit`). */
  alignZero(): this {
    if (this.nbits > 0) this.bits(0, 8 - this.nbits);
    return this;
  }

  /** `rbsp_trailing_bits()`: a stop bit, then zero bits to the byte boundary. */
  trailingBits(): this {
    this.bits(1, 1);
    return this.alignZero();
  }

  /** Copies bytes verbatim; the writer must be byte aligned. */
  bytes(src: Uint8Array, start = 0, end = src.length): this {
    if (this.nbits !== 0) throw new Error('BitWriter.bytes needs byte alignment');
    const n = end - start;
    this.ensure(n);
    if (n <= 64) {
      // PCM rows are 8 or 16 bytes: a plain loop beats allocating a subarray view for each.
      const buf = this.buf;
      let p = this.pos;
      for (let i = start; i < end; i++) buf[p++] = src[i]!;
      this.pos = p;
    } else {
      this.buf.set(src.subarray(start, end), this.pos);
      this.pos += n;
    }
    return this;
  }

  /** The bytes written so far (a view; call after the final alignment). */
  finish(): Uint8Array {
    if (this.nbits !== 0) throw new Error('BitWriter.finish needs byte alignment');
    return this.buf.subarray(0, this.pos);
  }

  private pushByte(b: number): void {
    if (this.pos >= this.buf.length) this.ensure(1);
    this.buf[this.pos++] = b;
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
}
