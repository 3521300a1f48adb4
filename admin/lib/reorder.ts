// Moving one id up or down a list: the up/down buttons that reorder without JavaScript.

/** The list with `id` moved one place (`up` toward the start); unchanged at the ends or when absent. */
export function moveOne(ids: readonly string[], id: string, direction: 'up' | 'down'): string[] {
  const out = [...ids];
  const i = out.indexOf(id);
  const j = direction === 'up' ? i - 1 : i + 1;
  if (i < 0 || j < 0 || j >= out.length) return out;
  [out[i], out[j]] = [out[j] as string, out[i] as string];
  return out;
}
