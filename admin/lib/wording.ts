// Counting things in words: "1 incident needs attention", "3 attempts", never "attempt(s)".

/** "1 attempt", "2 attempts"; `many` for irregular plurals. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What happened to a message so far, as the delivery log says it. */
export function attemptsText(d: { state: string; attempts: number }): string {
  if (d.state === 'held') return 'not sent: held, because no SMTP server is configured';
  if (d.state === 'skipped') return 'not sent: no longer wanted';
  if (d.attempts === 0) return 'not tried yet';
  return `${plural(d.attempts, 'attempt')}`;
}

/** "1 needs attention now", "2 need attention now". */
export const needAttentionText = (n: number): string => `${n} ${n === 1 ? 'needs' : 'need'} attention now`;

/** "1 open alert waits", "3 open alerts wait": the dashboard's line about alerts nobody verified yet. */
export const openAlertsText = (n: number): string => `${plural(n, 'open alert')} ${n === 1 ? 'waits' : 'wait'}`;
