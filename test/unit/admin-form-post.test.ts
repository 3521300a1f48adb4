// The console's form dispatcher: a POST runs the action its form names, then redirects or renders with a status.
import { describe, expect, it } from 'vitest';
import { handleForm, type FormActions } from '../../admin/lib/form-post.ts';

function page(method: string, fields: Record<string, string> = {}) {
  const body = method === 'POST' ? new URLSearchParams(fields) : undefined;
  return { request: new Request('http://127.0.0.1:4321/admin/x', { method, body }), response: { status: 200 } as Response & { status: number } };
}

const redirect = (to: string) => new Response(null, { status: 303, headers: { Location: to } });

describe('handleForm', () => {
  it('does nothing for a GET', async () => {
    let ran = false;
    const p = page('GET');
    expect(await handleForm(p, () => void (ran = true))).toBeNull();
    expect(ran).toBe(false);
    expect(p.response.status).toBe(200);
  });

  it('runs the action the form names and returns its redirect', async () => {
    const seen: string[] = [];
    const spec: FormActions = {
      actions: {
        save: (form) => {
          seen.push(`save ${form.get('name')}`);
          return redirect('/admin/x?saved=1');
        },
        delete: () => 400,
      },
    };
    const answer = await handleForm(page('POST', { action: 'save', name: 'API' }), spec);
    expect(answer?.headers.get('location')).toBe('/admin/x?saved=1');
    expect(seen).toEqual(['save API']);
  });

  it('renders with the status an action answers, then reloads; nothing is 200', async () => {
    let reloads = 0;
    const spec = (outcome: number | undefined): FormActions => ({ field: 'intent', actions: { go: async () => outcome }, reload: async () => void reloads++ });
    const failed = page('POST', { intent: 'go' });
    expect(await handleForm(failed, spec(422))).toBeNull();
    expect(failed.response.status).toBe(422);
    const preview = page('POST', { intent: 'go' });
    expect(await handleForm(preview, spec(undefined))).toBeNull();
    expect(preview.response.status).toBe(200);
    expect(reloads).toBe(2);
  });

  it('sends a post naming no listed action to `otherwise`, or renders the page as it is', async () => {
    const other = page('POST', { action: 'constructor' });
    expect(await handleForm(other, { actions: { save: () => 201 }, otherwise: () => 409 })).toBeNull();
    expect(other.response.status).toBe(409);
    const none = page('POST', { action: 'toString' });
    expect(await handleForm(none, { actions: { save: () => 201 } })).toBeNull();
    expect(none.response.status).toBe(200);
  });

  it('takes a single action for a page with one form, and a function to choose among several', async () => {
    const single = page('POST', { anything: '1' });
    expect(await handleForm(single, () => 400)).toBeNull();
    expect(single.response.status).toBe(400);
    const chosen = page('POST', { intent: 'status', form: 'plan' });
    const pick = (form: FormData) => (form.get('intent') === 'status' ? 'status' : String(form.get('form')));
    expect(await handleForm(chosen, { field: pick, actions: { status: () => 401, plan: () => 402 } })).toBeNull();
    expect(chosen.response.status).toBe(401);
  });
});
