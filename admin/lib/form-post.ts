// The one way a console page takes a form post (Post/Redirect/Get): read the form, run the action it names, then
// send that action's redirect, or render the page again with the status the action chose.
import type { AstroGlobal } from 'astro';
import { checked, CONFIRM_FIRST, readForm, text } from './forms.ts';
import { errorText, type ConsoleApi } from './api.ts';

/**
 * What an action answers: a Response to send instead of the page (the redirect after a write that worked), the
 * status to render the page with (the action has set the page's errors and kept what was typed), or nothing to
 * render it with 200 (a markdown preview, a secret shown once).
 */
type Outcome = Response | number | void;

export type FormAction = (form: FormData) => Outcome | Promise<Outcome>;

export interface FormActions {
  /**
   * Which action a post asks for: the value of this form field (a hidden input, or the name of the button pressed;
   * `action` by default), or what this function reads from the form when one field does not say.
   */
  field?: string | ((form: FormData) => string);
  actions?: Record<string, FormAction>;
  /** For a post whose field names none of `actions`; without it such a post renders the page as it is. */
  otherwise?: FormAction;
  /** After an action that renders the page rather than redirecting: re-read what the page shows. */
  reload?: () => Promise<void>;
}

/**
 * For a POST, runs the action the form names (a page with one form passes just that action). Returns the Response
 * the page must return, or null to render the page: any other method, or an action that answered with a status.
 *
 * A page declares what only an action sets as `let x = null as T | null`: TypeScript cannot see the action run, and
 * would otherwise take x to be null for the rest of the page.
 */
export async function handleForm(astro: Pick<AstroGlobal, 'request' | 'response'>, handler: FormAction | FormActions): Promise<Response | null> {
  if (astro.request.method !== 'POST') return null;
  const { field = 'action', actions = {}, otherwise, reload }: FormActions = typeof handler === 'function' ? { otherwise: handler } : handler;
  const form = await readForm(astro.request);
  const name = typeof field === 'string' ? text(form, field) : field(form);
  const action = Object.hasOwn(actions, name) ? actions[name] : otherwise;
  const outcome = action ? await action(form) : undefined;
  if (outcome instanceof Response) return outcome;
  if (typeof outcome === 'number') astro.response.status = outcome;
  await reload?.();
  return null;
}

/**
 * The action of a ticked delete (a ConfirmAction panel): without the tick, or when the API refuses, `fail` gets the
 * panel's message and the page renders with 400; otherwise DELETE `path` and go to `done`.
 */
export async function confirmedDelete(api: ConsoleApi, form: FormData, path: string, done: string, fail: (message: string) => void): Promise<Response | number> {
  if (!checked(form, 'confirm')) {
    fail(CONFIRM_FIRST);
    return 400;
  }
  const r = await api.delete(path);
  if (r.ok) return api.redirect(done);
  fail(errorText(r.error));
  return 400;
}
