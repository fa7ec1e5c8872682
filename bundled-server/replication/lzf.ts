// LZF decompression (liblzf's format), which Redis uses for RDB strings longer than 20
// bytes when rdbcompression is on. Each control byte starts either a literal run of 1-32
// bytes (ctrl < 32) or a back reference into what was already decompressed: length in the
// top 3 bits (7 = one more length byte follows), distance in the low 5 bits and the next byte.

export class LzfError extends Error {}

/** The most one input byte can expand to: a 3-byte back reference yields up to 264 bytes. */
const LZF_MAX_RATIO = 88;

/** Decompresses `input`, which must expand to exactly `length` bytes. */
export function lzfDecompress(input: Uint8Array, length: number): Buffer {
  if (length > input.length * LZF_MAX_RATIO) throw new LzfError(`${input.length} bytes cannot expand to ${length}`);
  const out = Buffer.allocUnsafe(length);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    const ctrl = input[ip++];
    if (ctrl < 32) {
      const run = ctrl + 1;
      if (ip + run > input.length) throw new LzfError(`literal run of ${run} bytes at input byte ${ip - 1} is cut off`);
      if (op + run > length) throw new LzfError(`literal run at input byte ${ip - 1} overflows the ${length}-byte output`);
      out.set(input.subarray(ip, ip + run), op);
      ip += run;
      op += run;
    } else {
      const start = ip - 1;
      let len = ctrl >>> 5;
      if (len === 7) {
        if (ip >= input.length) throw new LzfError(`back reference at input byte ${start} is cut off`);
        len += input[ip++];
      }
      if (ip >= input.length) throw new LzfError(`back reference at input byte ${start} is cut off`);
      const ref = op - ((ctrl & 0x1f) << 8) - input[ip++] - 1;
      len += 2;
      if (ref < 0) throw new LzfError(`back reference at input byte ${start} points before the start`);
      if (op + len > length) throw new LzfError(`back reference at input byte ${start} overflows the ${length}-byte output`);
      // Byte by byte: the source may overlap what is being written (runs of a repeated pattern).
      for (let i = 0; i < len; i++) out[op + i] = out[ref + i];
      op += len;
    }
  }
  if (op !== length) throw new LzfError(`decompressed to ${op} bytes, expected ${length}`);
  return out;
}
