// Copying bytes out of a bigger buffer, such as a connection's input.

/**
 * A copy of `src[start, end)` in a buffer of its own, so that what is kept (a stored value, a
 * parsed argument) does not keep the whole input alive. Short runs are copied byte by byte,
 * faster than copy() for them.
 */
export function copyOf(src: Buffer, start = 0, end = src.length): Buffer {
  const n = end - start;
  const out = Buffer.allocUnsafe(n);
  if (n <= 64) for (let i = 0; i < n; i++) out[i] = src[start + i];
  else src.copy(out, 0, start, end);
  return out;
}
