// The replication backlog: the last `size` bytes of the replication stream, kept so that a
// replica that lost its link can continue from its offset (+CONTINUE) instead of taking a
// full copy. Offsets are Redis's: the stream's first byte has offset 1, and the backlog
// holds [firstByteOffset, firstByteOffset + histlen).

export class Backlog {
  private readonly buffer: Buffer;
  /** Where the next byte goes in the ring. */
  private head = 0;
  histlen = 0;
  /** Offset of the last byte written: master_repl_offset. */
  private endOffset: number;

  constructor(
    readonly size: number,
    /** master_repl_offset when the backlog is created: the next byte is offset + 1. */
    offset: number,
  ) {
    this.buffer = Buffer.alloc(size);
    this.endOffset = offset;
  }

  get offset(): number {
    return this.endOffset;
  }

  /** repl_backlog_first_byte_offset: with an empty backlog, the offset of the next byte. */
  get firstByteOffset(): number {
    return this.endOffset - this.histlen + 1;
  }

  append(data: Buffer): void {
    this.endOffset += data.length;
    // Only the tail can survive when more than the ring arrives at once.
    const tail = data.length > this.size ? data.subarray(data.length - this.size) : data;
    const first = Math.min(tail.length, this.size - this.head);
    tail.copy(this.buffer, this.head, 0, first);
    tail.copy(this.buffer, 0, first);
    this.head = (this.head + tail.length) % this.size;
    this.histlen = Math.min(this.size, this.histlen + data.length);
  }

  /** Whether a replica asking for `offset` (the first byte it lacks) can continue from here. */
  covers(offset: number): boolean {
    return offset >= this.firstByteOffset && offset <= this.endOffset + 1;
  }

  /** The bytes from `offset` to the end; only for an offset the backlog covers. */
  from(offset: number): Buffer {
    const length = this.endOffset + 1 - offset;
    const start = (this.head - length + this.size) % this.size;
    if (start + length <= this.size) return Buffer.from(this.buffer.subarray(start, start + length));
    return Buffer.concat([this.buffer.subarray(start), this.buffer.subarray(0, (start + length) % this.size)]);
  }
}
