// Stable merge sort of value pointers in canonical order.
import { malloc } from "./heap";
import { compare } from "./compare";

export function sortValues(p: usize, n: usize): void {
  if (n < 2) return;
  if (n <= 16) { insertion(p, n); return; }
  const tmp = malloc(n << 2);
  mergeSort(p, tmp, n);
}

function insertion(p: usize, n: usize): void {
  for (let i: usize = 1; i < n; i++) {
    const v = load<u32>(p + (i << 2));
    let j = i;
    while (j > 0 && compare(load<u32>(p + ((j - 1) << 2)) as usize, v as usize) > 0) {
      store<u32>(p + (j << 2), load<u32>(p + ((j - 1) << 2)));
      j--;
    }
    store<u32>(p + (j << 2), v);
  }
}

function mergeSort(p: usize, tmp: usize, n: usize): void {
  if (n <= 16) { insertion(p, n); return; }
  const h = n >> 1;
  mergeSort(p, tmp, h);
  mergeSort(p + (h << 2), tmp, n - h);
  memory.copy(tmp, p, n << 2);
  let i: usize = 0, j = h, k: usize = 0;
  while (i < h && j < n) {
    const a = load<u32>(tmp + (i << 2)), b = load<u32>(tmp + (j << 2));
    if (compare(b as usize, a as usize) < 0) { store<u32>(p + (k << 2), b); j++; }
    else { store<u32>(p + (k << 2), a); i++; }
    k++;
  }
  while (i < h) { store<u32>(p + (k << 2), load<u32>(tmp + (i << 2))); i++; k++; }
  while (j < n) { store<u32>(p + (k << 2), load<u32>(tmp + (j << 2))); j++; k++; }
}
