// Arena allocator over the imported memory. The SDK resets the heap pointer to any address per
// evaluation, so nothing here may keep state that survives a reset except the pointer itself.
import { fail } from "./env";
import { S_OOM } from "./text";

/**
 * The bump pointer. Exported as a mutable global so the linker can patch its init expression to the
 * end of the generated data; 0 means "not patched": start after the runtime's own data.
 */
export let opa_heap_ptr: usize = 0;

// @ts-ignore: decorator
@inline
export function align8(p: usize): usize {
  return (p + 7) & ~(7 as usize);
}

/**
 * Bytes of memory known to exist. The embedder may grow memory behind our back (the SDK does for
 * its input), so this can only be too low, never too high; too low just takes the slow path once.
 */
export let known: usize = 0;

function growTo(end: usize): void {
  const have = (memory.size() as usize) << 16;
  known = have;
  if (end <= have) return;
  let pages = ((end - have + 0xffff) >> 16) as i32;
  if (pages < 16) pages = 16;
  if (memory.grow(pages) < 0) {
    // A smaller step may still fit under the embedder's maximum.
    if (memory.grow(((end - have + 0xffff) >> 16) as i32) < 0) fail(S_OOM);
  }
  known = (memory.size() as usize) << 16;
}

// @ts-ignore: decorator
@inline
export function heapTop(): usize {
  const p = opa_heap_ptr;
  return p != 0 ? p : align8(__heap_base);
}

export function malloc(size: usize): usize {
  const p = align8(heapTop());
  const end = p + align8(size);
  if (end > known) growTo(end);
  opa_heap_ptr = end;
  return p;
}

/** Makes sure bytes [p, end) exist without allocating them (used by writers that stream at the top). */
export function ensureMemory(end: usize): void {
  if (end > known) growTo(end);
}

export function setHeapTop(p: usize): void {
  opa_heap_ptr = align8(p);
}

/**
 * Extends a block in place when it is the last allocation; otherwise allocates and copies.
 * Containers grow this way, so building one array in a loop costs no copies.
 */
export function realloc(p: usize, oldSize: usize, newSize: usize): usize {
  if (p != 0 && p + align8(oldSize) == heapTop()) {
    const end = p + align8(newSize);
    if (end > known) growTo(end);
    opa_heap_ptr = end;
    return p;
  }
  const q = malloc(newSize);
  if (oldSize > 0) memory.copy(q, p, oldSize);
  return q;
}
