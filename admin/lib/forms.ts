// Reading console form posts: plain <form method="post"> bodies, so every form works without JavaScript.

/** The posted form, or an empty one when the body is not a form. */
export async function readForm(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    return new FormData();
  }
}

/** A text field, trimmed; '' when missing. */
export function text(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === 'string' ? v.trim() : '';
}

/** A text field kept as typed (markdown bodies keep their whitespace). */
export function raw(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
}

export const checked = (form: FormData, name: string): boolean => form.get(name) !== null && form.get(name) !== '0';

/** Every value of a multi-valued field (checkbox groups). */
export function all(form: FormData, name: string): string[] {
  return form.getAll(name).filter((v): v is string => typeof v === 'string' && v !== '');
}

/** Fields named `prefix<key>` → { key: value } for non-blank values (e.g. component statuses). */
export function prefixed(form: FormData, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of form.entries()) {
    if (k.startsWith(prefix) && typeof v === 'string' && v !== '') out[k.slice(prefix.length)] = v;
  }
  return out;
}

/** The message for a destructive form posted without its `confirm` box ticked (see ConfirmAction.astro). */
export const CONFIRM_FIRST = 'Tick the box to confirm.';
