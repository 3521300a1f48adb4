// Email held in the outbox (the server has no SMTP): its links, read through the console's delivery log API.
import { api, expect, type HeraldProcess, type Owner } from './fixtures.ts';

interface Held {
  deliveries: { id: number; recipient: string; event_kind: string }[];
}

/** The link to `path` in the newest held email to `email` (waits for it to be queued). */
export async function heldLink(herald: HeraldProcess, owner: Owner, email: string, path: string): Promise<string> {
  let link = '';
  await expect
    .poll(async () => {
      const log = await api<Held>(herald, owner, 'GET', '/api/v1/outbox?limit=50');
      // a subscriber by address; a Herald user (an internal message) as “Name <email>”
      const row = log.deliveries.find((d) => d.recipient === email || d.recipient.endsWith(`<${email}>`));
      if (!row) return '';
      const one = await api<{ message: { text: string } | null }>(herald, owner, 'GET', `/api/v1/outbox/${row.id}`);
      link = new RegExp(`https?://[^\\s"<>]+${path}\\?token=[^\\s"<>]+`).exec(one.message?.text ?? '')?.[0] ?? '';
      return link;
    })
    .not.toBe('');
  return link;
}
