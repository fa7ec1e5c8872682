// Redis's glob matching (util.c stringmatchlen), byte for byte: * ? [abc] [^a] [a-z] and \
// escapes, used by KEYS, SCAN MATCH and PSUBSCRIBE. Strings are latin1 (one char per byte).

export function globMatch(pattern: string, text: string): boolean {
  return match(pattern, 0, text, 0, false);
}

function match(p: string, pi: number, s: string, si: number, nocase: boolean): boolean {
  const eq = (a: string, b: string) => (nocase ? a.toLowerCase() === b.toLowerCase() : a === b);
  while (pi < p.length && si < s.length) {
    const c = p[pi];
    if (c === "*") {
      while (p[pi + 1] === "*") pi++;
      if (pi + 1 === p.length) return true;
      for (let k = si; k < s.length; k++) if (match(p, pi + 1, s, k, nocase)) return true;
      return false;
    }
    if (c === "?") {
      si++;
      pi++;
      continue;
    }
    if (c === "[") {
      pi++;
      const not = p[pi] === "^";
      if (not) pi++;
      let matched = false;
      for (;;) {
        if (pi >= p.length) {
          pi--; // an unterminated class ends the pattern, as in Redis
          break;
        }
        if (p[pi] === "\\" && pi + 2 < p.length + 1 && pi + 1 < p.length) {
          pi++;
          if (eq(p[pi], s[si])) matched = true;
        } else if (p[pi] === "]") {
          break;
        } else if (p[pi + 1] === "-" && pi + 2 < p.length) {
          let start = p.charCodeAt(pi);
          let end = p.charCodeAt(pi + 2);
          if (start > end) [start, end] = [end, start];
          const ch = (nocase ? s[si].toLowerCase() : s[si]).charCodeAt(0);
          if (ch >= start && ch <= end) matched = true;
          pi += 2;
        } else if (eq(p[pi], s[si])) {
          matched = true;
        }
        pi++;
      }
      if (not) matched = !matched;
      if (!matched) return false;
      si++;
      pi++;
      continue;
    }
    if (c === "\\" && pi + 1 < p.length) pi++;
    if (!eq(p[pi], s[si])) return false;
    pi++;
    si++;
  }
  if (si === s.length) {
    while (p[pi] === "*") pi++;
    return pi === p.length;
  }
  return false;
}
