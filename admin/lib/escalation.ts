// After an escalation the console returns to the page it was asked from, saying what happened.

/** Where the escalate form returns: its page, with ?escalated=<id> so the page can say what happened. */
export function escalatedUrl(back: string, incidentId: string): string {
  const url = new URL(back, 'http://console.invalid');
  url.searchParams.set('escalated', incidentId);
  return `${url.pathname}${url.search}#main`;
}
