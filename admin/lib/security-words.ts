// Words that name an incident as a security incident in public text: the console asks before posting them.

const WORDS =
  /\b(security|breach(?:es|ed)?|hack(?:ed|er|ers|ing)?|attack(?:ed|er|ers|s)?|exploit(?:ed|s)?|vulnerab(?:le|ility|ilities)|compromis(?:e|ed|es)|intrusion|malware|ransomware|leak(?:ed|s)?|unauthori[sz]ed access|data theft|stolen|CVE-\d{4}-\d+)\b/gi;

/** The security words in `text`, each once, as written; none: []. */
export function securityWords(...texts: string[]): string[] {
  const found = new Map<string, string>();
  for (const t of texts) for (const m of t.matchAll(WORDS)) found.set(m[0].toLowerCase(), m[0]);
  return [...found.values()];
}

/** The form field a person ticks to say the public text may name it. */
export const SECURITY_OK_FIELD = 'security_ok';
