// Canonical order: null < boolean < number < string < array < object < set (OPA's ast.Compare).
import {
  T_NULL, T_BOOLEAN, T_NUMBER, T_STRING, T_ARRAY, T_OBJECT, T_SET, N_INT,
  count, elemAt, keyAt, valAt, strLen, strPtr, numRepr, intValue,
} from "./value";
import { decCmp, decOf } from "./decimal";
import { heapTop, setHeapTop, known } from "./heap";

export function bytesCompare(pa: usize, la: usize, pb: usize, lb: usize): i32 {
  let m = la < lb ? la : lb;
  // Eight bytes per step (unaligned loads are fine in Wasm); on a difference, the lowest differing
  // byte (memory order, so least significant in a little-endian word) decides.
  while (m >= 8) {
    const x = load<u64>(pa), y = load<u64>(pb);
    if (x != y) {
      const i = (ctz(x ^ y) >> 3) as usize;
      return load<u8>(pa + i) < load<u8>(pb + i) ? -1 : 1;
    }
    pa += 8; pb += 8; m -= 8;
  }
  if (m > 0) {
    // The tail as one masked word, when both 8-byte reads stay inside memory known to exist.
    const lim = known;
    if (pa + 8 <= lim && pb + 8 <= lim) {
      const mask: u64 = ((1 as u64) << ((m as u64) << 3)) - 1;
      const d = (load<u64>(pa) ^ load<u64>(pb)) & mask;
      if (d != 0) {
        const i = (ctz(d) >> 3) as usize;
        return load<u8>(pa + i) < load<u8>(pb + i) ? -1 : 1;
      }
    } else {
      while (m > 0) {
        const x = load<u8>(pa), y = load<u8>(pb);
        if (x != y) return x < y ? -1 : 1;
        pa++; pb++; m--;
      }
    }
  }
  return la == lb ? 0 : la < lb ? -1 : 1;
}

export function numberCompare(a: usize, b: usize): i32 {
  if (numRepr(a) == N_INT && numRepr(b) == N_INT) {
    const x = intValue(a), y = intValue(b);
    return x == y ? 0 : x < y ? -1 : 1;
  }
  // Decimal comparison allocates scratch; give it back so comparisons stay allocation-free.
  const mark = heapTop();
  const c = decCmp(decOf(a), decOf(b));
  setHeapTop(mark);
  return c;
}

export function compare(a: usize, b: usize): i32 {
  if (a == b) return 0;
  if (a == 0) return -1;
  if (b == 0) return 1;
  const ta = load<u8>(a), tb = load<u8>(b);
  if (ta != tb) return ta < tb ? -1 : 1;
  switch (ta) {
    case T_NULL: return 0;
    case T_BOOLEAN: {
      const x = load<u32>(a, 4), y = load<u32>(b, 4);
      return x == y ? 0 : x < y ? -1 : 1;
    }
    case T_NUMBER: return numberCompare(a, b);
    case T_STRING: return bytesCompare(strPtr(a), strLen(a), strPtr(b), strLen(b));
    case T_ARRAY:
    case T_SET: {
      const na = count(a), nb = count(b);
      const m = na < nb ? na : nb;
      for (let i: usize = 0; i < m; i++) {
        const c = compare(elemAt(a, i), elemAt(b, i));
        if (c != 0) return c;
      }
      return na == nb ? 0 : na < nb ? -1 : 1;
    }
    case T_OBJECT: {
      const na = count(a), nb = count(b);
      const m = na < nb ? na : nb;
      for (let i: usize = 0; i < m; i++) {
        let c = compare(keyAt(a, i), keyAt(b, i));
        if (c != 0) return c;
        c = compare(valAt(a, i), valAt(b, i));
        if (c != 0) return c;
      }
      return na == nb ? 0 : na < nb ? -1 : 1;
    }
  }
  return 0;
}

/** Equality without ordering work where a cheap difference exists (type, length). */
export function equal(a: usize, b: usize): bool {
  if (a == b) return true;
  if (a == 0 || b == 0) return false;
  const t = load<u8>(a);
  if (t != load<u8>(b)) return false;
  if (t == T_STRING) {
    const n = strLen(a);
    return n == strLen(b) && bytesCompare(strPtr(a), n, strPtr(b), n) == 0;
  }
  if (t >= T_ARRAY && count(a) != count(b)) return false;
  return compare(a, b) == 0;
}
