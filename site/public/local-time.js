// Optional enhancement for Herald's public pages: restate times in the reader's own zone and keep
// "ongoing for" current, in the page's language (<html lang>, and data-m for the month's length).
// Every page reads correctly without it (times are in the page's zone).
(() => {
  const root = document.documentElement;
  const lang = root.lang || 'en';
  const zone = (tz) => new Intl.DateTimeFormat('en-US', tz ? { timeZone: tz } : {}).resolvedOptions().timeZone;
  if (zone() !== zone(root.dataset.tz)) {
    const o = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' };
    const f = { f: new Intl.DateTimeFormat(lang, { year: 'numeric', month: root.dataset.m || 'short', day: 'numeric', ...o }), t: new Intl.DateTimeFormat(lang, o) };
    for (const t of document.querySelectorAll('time[data-f]')) t.textContent = f[t.dataset.f].format(new Date(t.dateTime));
  }
  const since = document.querySelectorAll('[data-since]');
  // As the server writes durations (api/core/time-format.ts formatDuration): Intl's long unit names, listed.
  const unit = (u) => new Intl.NumberFormat(lang, { style: 'unit', unit: u, unitDisplay: 'long' });
  const tick = () => {
    const u = { d: unit('day'), h: unit('hour'), m: unit('minute'), l: new Intl.ListFormat(lang, { type: 'unit', style: 'long' }) };
    for (const e of since) {
      const m = Math.max(0, Math.floor((Date.now() - Date.parse(e.dataset.since)) / 60000));
      const d = Math.floor(m / 1440);
      const h = Math.floor((m % 1440) / 60);
      const parts = [d && u.d.format(d), h && u.h.format(h), !d && m % 60 && u.m.format(m % 60)].filter(Boolean).map((s) => s.replace(/ /g, '\u00a0'));
      e.textContent = m < 1 ? e.dataset.lt || '' : u.l.format(parts);
    }
  };
  if (since.length) {
    tick();
    setInterval(tick, 30000);
  }
})();
