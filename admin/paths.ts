// Where the console's pages are, for what links into it from outside: the server's setup link, the API's invitation
// links (passed in as AppDeps.invitationPath), the password reset email's link (AppDeps.passwordResetPath) and the
// CLI's sign-in hint. Plain constants: server/ and cli/ import it.
export const CONSOLE_PATHS = {
  login: '/admin/login',
  setup: '/admin/setup',
  invitation: '/admin/invitation',
  /** Asking for a reset link (no token) and setting the new password (with one); passed in as AppDeps.passwordResetPath. */
  passwordReset: '/admin/password-reset',
} as const;
