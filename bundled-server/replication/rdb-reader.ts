// A bounds-checked cursor over RDB bytes, for the file itself and for the packed blobs
// (listpacks, ziplists, intsets, zipmaps) stored in its strings. Every read checks the
// bytes are there, and every error names the offset it happened at, so garbage fails with
// an RdbError that says where, never with a RangeError or an oversized allocation.

export class RdbError extends Error {}

export class RdbReader {
  pos = 0;

  /** `where` describes a position for error messages ("byte 12", "byte 3 of the listpack at byte 40"). */
  constructor(
    readonly buf: Buffer,
    private readonly where: (pos: number) => string = (pos) => `byte ${pos}`,
  ) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  fail(what: string, at = this.pos): never {
    throw new RdbError(`${what} at ${this.where(at)}`);
  }

  /** Throws unless `n` more bytes are there; `what` says what they were to be. */
  need(n: number, what: string): void {
    if (n > this.remaining) this.fail(`${what} needs ${n} bytes, only ${this.remaining} left`);
  }

  u8(what = "byte"): number {
    this.need(1, what);
    return this.buf[this.pos++];
  }

  /** The next `n` bytes, sharing memory with the buffer read. */
  bytes(n: number, what: string): Buffer {
    this.need(n, what);
    return this.buf.subarray(this.pos, (this.pos += n));
  }

  /** The next `n` bytes in a buffer of their own, so a value kept does not pin the whole payload. */
  copy(n: number, what: string): Buffer {
    this.need(n, what);
    const out = Buffer.allocUnsafe(n);
    this.buf.copy(out, 0, this.pos, (this.pos += n));
    return out;
  }

  /** The next `n` bytes as a latin1 string (one character per byte, how keys and members are held). */
  latin1(n: number, what: string): string {
    this.need(n, what);
    return this.buf.toString("latin1", this.pos, (this.pos += n));
  }

  u16le(what: string): number {
    this.need(2, what);
    return this.buf.readUInt16LE((this.pos += 2) - 2);
  }

  u32le(what: string): number {
    this.need(4, what);
    return this.buf.readUInt32LE((this.pos += 4) - 4);
  }

  u32be(what: string): number {
    this.need(4, what);
    return this.buf.readUInt32BE((this.pos += 4) - 4);
  }

  /** A signed little-endian integer of 1, 2, 3, 4 or 8 bytes, as a decimal string (64-bit ones exceed a double). */
  intLE(size: 1 | 2 | 3 | 4 | 8, what: string): string {
    this.need(size, what);
    const at = this.pos;
    this.pos += size;
    return size === 8 ? this.buf.readBigInt64LE(at).toString() : String(this.buf.readIntLE(at, size));
  }

  i64le(what: string): bigint {
    this.need(8, what);
    return this.buf.readBigInt64LE((this.pos += 8) - 8);
  }

  u64le(what: string): bigint {
    this.need(8, what);
    return this.buf.readBigUInt64LE((this.pos += 8) - 8);
  }

  u64be(what: string): bigint {
    this.need(8, what);
    return this.buf.readBigUInt64BE((this.pos += 8) - 8);
  }

  doubleLE(what: string): number {
    this.need(8, what);
    return this.buf.readDoubleLE((this.pos += 8) - 8);
  }
}
