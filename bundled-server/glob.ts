// Redis's glob matching, used by KEYS, SCAN MATCH, PSUBSCRIBE and CONFIG GET.

/**
 * util.c stringmatchlen, byte for byte (Redis 7.0.15, with its skipLongerMatches shortcut):
 * * ? [abc] [^a] [a-z] and \ escapes. Ranges compare bytes as signed chars, as on x86; a
 * pattern's end reads as a NUL byte, as the C code reads its terminator.
 */
export function stringMatch(pattern: Buffer, text: Buffer, nocase = false): boolean {
  return matchImpl(pattern, 0, pattern.length, text, 0, text.length, nocase, { skip: false });
}

function matchImpl(p: Buffer, pi: number, plen: number, s: Buffer, si: number, slen: number, nocase: boolean, state: { skip: boolean }): boolean {
  const P = (i: number) => (i < p.length ? p[i] : 0);
  const lower = (c: number) => (c >= 0x41 && c <= 0x5a ? c + 32 : c);
  const signed = (c: number) => (c >= 128 ? c - 256 : c);
  const same = (a: number, b: number) => (nocase ? lower(a) === lower(b) : a === b);
  while (plen > 0 && slen > 0) {
    const c = P(pi);
    if (c === 0x2a /* * */) {
      while (plen > 0 && P(pi + 1) === 0x2a) {
        pi++;
        plen--;
      }
      if (plen === 1) return true;
      while (slen > 0) {
        if (matchImpl(p, pi + 1, plen - 1, s, si, slen, nocase, state)) return true;
        if (state.skip) return false;
        si++;
        slen--;
      }
      state.skip = true;
      return false;
    } else if (c === 0x3f /* ? */) {
      si++;
      slen--;
    } else if (c === 0x5b /* [ */) {
      pi++;
      plen--;
      const not = P(pi) === 0x5e;
      if (not) {
        pi++;
        plen--;
      }
      let match = false;
      for (;;) {
        if (P(pi) === 0x5c && plen >= 2) {
          pi++;
          plen--;
          if (P(pi) === s[si]) match = true;
        } else if (P(pi) === 0x5d) {
          break;
        } else if (plen === 0) {
          pi--;
          plen++;
          break;
        } else if (plen >= 3 && P(pi + 1) === 0x2d) {
          let start = signed(P(pi));
          let end = signed(P(pi + 2));
          let ch = signed(s[si]);
          if (start > end) [start, end] = [end, start];
          if (nocase) {
            start = lower(start);
            end = lower(end);
            ch = lower(ch);
          }
          pi += 2;
          plen -= 2;
          if (ch >= start && ch <= end) match = true;
        } else if (same(P(pi), s[si])) {
          match = true;
        }
        pi++;
        plen--;
      }
      si++;
      slen--;
      if (not) match = !match;
      if (!match) return false;
    } else {
      if (c === 0x5c /* \ */ && plen >= 2) {
        pi++;
        plen--;
      }
      if (!same(P(pi), s[si])) return false;
      si++;
      slen--;
    }
    pi++;
    plen--;
    if (slen === 0) {
      while (P(pi) === 0x2a) {
        pi++;
        plen--;
      }
      break;
    }
  }
  return plen === 0 && slen === 0;
}
