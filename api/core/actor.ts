// Who did something: a signed-in user through a session, or an API token (audit entries and domain events name it).
import type { Role, TokenScope, users } from '../../db/schema.ts';

export type User = typeof users.$inferSelect;

export interface Actor {
  user: User;
  role: Role;
  via: 'session' | 'token';
  sessionId?: string;
  tokenId?: string;
  /** What the credential may do: a session may write; a token reads, writes, or only posts alerts. */
  scope: TokenScope;
}

/** The cookie that carries a session token (`id.secret`, see identity/sessions.ts). */
export const SESSION_COOKIE = 'herald_session';
