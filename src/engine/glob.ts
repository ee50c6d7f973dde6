/**
 * Glob-style matching as Redis's stringmatchlen (util.c, 7.0): `*`, `?`,
 * `[abc]`, `[^a]`, `[a-z]` (reversed ranges allowed), and `\x` escapes, on
 * binary strings byte by byte. `nocase` folds ASCII case. Range bounds
 * compare as C's signed char, as Redis does on x86. Like Redis, a failed
 * `*` expansion stops longer expansions of earlier stars, so hostile
 * patterns stay linear-ish rather than exponential.
 */
export function globMatch(pattern: string, str: string, nocase = false): boolean {
  return match(pattern, 0, str, 0, nocase, { skip: false });
}

const lower = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c);
const signed = (c: number): number => (c >= 128 ? c - 256 : c);

function match(p: string, pi: number, s: string, si: number, nocase: boolean, st: { skip: boolean }): boolean {
  const plen = p.length;
  const slen = s.length;
  while (pi < plen && si < slen) {
    const pc = p.charCodeAt(pi);
    if (pc === 42 /* * */) {
      while (pi + 1 < plen && p.charCodeAt(pi + 1) === 42) pi++;
      if (pi + 1 === plen) return true;
      for (; si < slen; si++) {
        if (match(p, pi + 1, s, si, nocase, st)) return true;
        if (st.skip) return false;
      }
      st.skip = true;
      return false;
    } else if (pc === 63 /* ? */) {
      si++;
    } else if (pc === 91 /* [ */) {
      pi++;
      const not = pi < plen && p.charCodeAt(pi) === 94; /* ^ */
      if (not) pi++;
      let matched = false;
      const c = s.charCodeAt(si);
      for (;;) {
        const cc = pi < plen ? p.charCodeAt(pi) : 0;
        if (cc === 92 /* \ */ && plen - pi >= 2) {
          pi++;
          if (p.charCodeAt(pi) === c) matched = true;
        } else if (cc === 93 /* ] */ && pi < plen) {
          break;
        } else if (pi >= plen) {
          pi--;
          break;
        } else if (plen - pi >= 3 && p.charCodeAt(pi + 1) === 45 /* - */) {
          let start = signed(cc);
          let end = signed(p.charCodeAt(pi + 2));
          let x = signed(c);
          if (start > end) [start, end] = [end, start];
          if (nocase) {
            start = lower(start);
            end = lower(end);
            x = lower(x);
          }
          pi += 2;
          if (x >= start && x <= end) matched = true;
        } else if (nocase ? lower(cc) === lower(c) : cc === c) {
          matched = true;
        }
        pi++;
      }
      if (not) matched = !matched;
      if (!matched) return false;
      si++;
    } else {
      if (pc === 92 /* \ */ && plen - pi >= 2) pi++;
      const a = p.charCodeAt(pi);
      const b = s.charCodeAt(si);
      if (nocase ? lower(a) !== lower(b) : a !== b) return false;
      si++;
    }
    pi++;
    if (si === slen) {
      while (pi < plen && p.charCodeAt(pi) === 42) pi++;
      break;
    }
  }
  return pi === plen && si === slen;
}
