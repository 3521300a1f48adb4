// Text for XML documents built as strings (feeds, SVG badges): escaped, and without the characters XML 1.0 forbids.

/** Text for element content or a quoted attribute. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

// Characters XML 1.0 forbids (C0 controls, lone surrogates, U+FFFE/FFFF): one would make the whole document unreadable.
const NOT_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** `s` without the characters no XML document may hold. */
export const xmlSafe = (s: string) => s.replace(NOT_XML, '');
