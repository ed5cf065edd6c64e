// JSON / value-text writer. It streams at the top of the arena (nothing else allocates while it
// runs), then claims what it wrote, so dumping costs no intermediate buffers.
import { ensureMemory, heapTop, setHeapTop, align8 } from "./heap";
import {
  T_NULL, T_BOOLEAN, T_NUMBER, T_STRING, T_ARRAY, T_OBJECT, T_SET, N_INT,
  count, elemAt, keyAt, valAt, strLen, strPtr, numRepr, intValue, refText, refLen, tag,
} from "./value";
import { writeUint } from "./decimal";
import { scanPlain } from "./swar";

let w: usize = 0;
let valueSyntax = false;

// @ts-ignore: decorator
@inline
function room(n: usize): void {
  ensureMemory(w + n);
}

// @ts-ignore: decorator
@inline
function put(c: u8): void {
  room(1);
  store<u8>(w++, c);
}

function putBytes(p: usize, n: usize): void {
  room(n);
  memory.copy(w, p, n);
  w += n;
}

/** Length (without the NUL) of the text the last dump() returned. */
export let dumpLen: usize = 0;

/** Dumps v at the arena top; returns the NUL-terminated text and claims it. */
export function dump(v: usize, values: bool): usize {
  const start = align8(heapTop());
  w = start;
  valueSyntax = values;
  writeValue(v);
  dumpLen = w - start;
  put(0);
  setHeapTop(w);
  return start;
}

function writeValue(v: usize): void {
  if (v == 0) { putBytes(memory.data<u8>([110, 117, 108, 108]), 4); return; }
  switch (tag(v)) {
    case T_NULL: putBytes(memory.data<u8>([110, 117, 108, 108]), 4); return;
    case T_BOOLEAN:
      if (load<u32>(v, 4) != 0) putBytes(memory.data<u8>([116, 114, 117, 101]), 4);
      else putBytes(memory.data<u8>([102, 97, 108, 115, 101]), 5);
      return;
    case T_NUMBER: writeNumber(v); return;
    case T_STRING: writeString(strPtr(v), strLen(v)); return;
    case T_ARRAY: writeElems(v, 91, 93); return;
    case T_SET:
      if (!valueSyntax) { writeElems(v, 91, 93); return; }
      if (count(v) == 0) { putBytes(memory.data<u8>([115, 101, 116, 40, 41]), 5); return; }
      writeElems(v, 123, 125);
      return;
    case T_OBJECT: writeObject(v); return;
  }
}

function writeNumber(v: usize): void {
  if (numRepr(v) == N_INT) {
    const i = intValue(v);
    room(21);
    if (i < 0) store<u8>(w++, 45);
    w = writeUint(w, i < 0 ? (0 - i) as u64 : i as u64);
    return;
  }
  putBytes(refText(v), refLen(v));
}

function writeElems(v: usize, open: u8, close: u8): void {
  put(open);
  const n = count(v);
  for (let i: usize = 0; i < n; i++) {
    if (i > 0) put(44);
    writeValue(elemAt(v, i));
  }
  put(close);
}

function writeObject(v: usize): void {
  put(123);
  const n = count(v);
  for (let i: usize = 0; i < n; i++) {
    if (i > 0) put(44);
    const k = keyAt(v, i);
    if (tag(k) == T_STRING || valueSyntax) writeValue(k);
    else writeStringifiedKey(k);
    put(58);
    writeValue(valAt(v, i));
  }
  put(125);
}

/** JSON has only string keys: a non-string key is written as the JSON string of its JSON text. */
function writeStringifiedKey(k: usize): void {
  const start = w;
  writeValue(k);
  const len = w - start;
  // Move the raw text past the largest escaped form, then escape it back into place.
  const tmp = start + 2 * len + 8;
  room(tmp + len - w);
  memory.copy(tmp, start, len);
  w = start;
  writeString(tmp, len);
}

const HEX = memory.data<u8>([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

function writeString(p: usize, n: usize): void {
  room(n + 2);
  store<u8>(w++, 34);
  let run = p;
  const stop = p + n;
  let q = p;
  while (true) {
    q = scanPlain(q, stop);
    if (q >= stop) break;
    const c = load<u8>(q);
    putBytes(run, q - run);
    run = q + 1;
    q++;
    room(6);
    store<u8>(w++, 92);
    if (c == 34 || c == 92) store<u8>(w++, c);
    else if (c == 10) store<u8>(w++, 110);
    else if (c == 13) store<u8>(w++, 114);
    else if (c == 9) store<u8>(w++, 116);
    else if (c == 8) store<u8>(w++, 98);
    else if (c == 12) store<u8>(w++, 102);
    else {
      store<u8>(w++, 117); store<u8>(w++, 48); store<u8>(w++, 48);
      store<u8>(w++, load<u8>(HEX + ((c >> 4) as usize)));
      store<u8>(w++, load<u8>(HEX + ((c & 15) as usize)));
    }
  }
  putBytes(run, stop - run);
  put(34);
}
