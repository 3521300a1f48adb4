// Where the console's pages are, for what links into it from outside: the server's setup link, the API's invitation
// links (passed in as AppDeps.invitationPath), the password reset email's link (AppDeps.passwordResetPath), the
// response team's pages and reminders (AppDeps.responseLinks) and the CLI's sign-in hint. Plain constants: server/ and cli/ import it.
export const CONSOLE_PATHS = {
  login: '/admin/login',
  setup: '/admin/setup',
  invitation: '/admin/invitation',
  /** Asking for a reset link (no token) and setting the new password (with one); passed in as AppDeps.passwordResetPath. */
  passwordReset: '/admin/password-reset',
  /** Where a page's signed Acknowledge link lands (api/response/ack-links.ts signs it). */
  acknowledge: '/admin/acknowledge',
  incidents: '/admin/incidents',
} as const;

/** AppDeps.responseLinks: the pages the response team's messages link to. */
export const RESPONSE_LINKS = { acknowledge: CONSOLE_PATHS.acknowledge, incidents: CONSOLE_PATHS.incidents } as const;
