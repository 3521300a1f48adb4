// Components as every picker lists them: each group under its name (groups by position), its components by
// position, then the ungrouped ones under "Other components". The subscribe and manage pages, the console's
// status pickers and the maintenance form all group with this, so a group never appears twice and an ungrouped
// component never lands under a group's heading.

export interface SectionComponent {
  id: string;
  name: string;
  group_id: string | null;
  position?: number;
}

export interface SectionGroup {
  id: string;
  name: string;
  position?: number;
}

export interface ComponentSection<T> {
  /** Null for the components in no (existing) group. */
  group: SectionGroup | null;
  /** What to call the section: the group's name, "Other components", or null when it is the only section and has no group. */
  heading: string | null;
  items: T[];
}

const OTHER_COMPONENTS = 'Other components';

const byPosition = <T extends { position?: number; name: string; id: string }>(a: T, b: T) =>
  (a.position ?? 0) - (b.position ?? 0) || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Sections in display order. Without `groups`, the groups are those the components name (`group`), in the order
 * they first appear: for lists that arrive already ordered, such as the API's choosable components.
 */
export function componentSections<T extends SectionComponent & { group?: string | null }>(
  components: readonly T[],
  groups?: readonly SectionGroup[],
): ComponentSection<T>[] {
  const known: SectionGroup[] = groups ? [...groups].sort(byPosition) : [];
  if (!groups) {
    const seen = new Set<string>();
    for (const c of components) {
      if (c.group_id && !seen.has(c.group_id)) {
        seen.add(c.group_id);
        known.push({ id: c.group_id, name: c.group ?? '', position: known.length });
      }
    }
  }
  const ids = new Set(known.map((g) => g.id));
  const members = new Map<string | null, T[]>();
  for (const c of components) {
    const key = c.group_id && ids.has(c.group_id) ? c.group_id : null;
    const list = members.get(key);
    if (list) list.push(c);
    else members.set(key, [c]);
  }
  const sort = (list: T[]) => (groups ? [...list].sort(byPosition) : list);
  const out: ComponentSection<T>[] = [];
  for (const g of known) {
    const items = members.get(g.id);
    if (items) out.push({ group: g, heading: g.name, items: sort(items) });
  }
  const other = members.get(null);
  if (other) out.push({ group: null, heading: out.length ? OTHER_COMPONENTS : null, items: sort(other) });
  return out;
}
