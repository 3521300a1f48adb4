// Optional enhancement for Herald's public pages: restate times in the reader's own zone and keep
// "ongoing for" current. Every page reads correctly without it (times are in the page's zone).
(() => {
  const zone = (tz) => new Intl.DateTimeFormat('en-US', tz ? { timeZone: tz } : {}).resolvedOptions().timeZone;
  if (zone() !== zone(document.documentElement.dataset.tz)) {
    const o = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' };
    const f = { f: new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', ...o }), t: new Intl.DateTimeFormat('en-US', o) };
    for (const t of document.querySelectorAll('time[data-f]')) t.textContent = f[t.dataset.f].format(new Date(t.dateTime));
  }
  const since = document.querySelectorAll('[data-since]');
  const tick = () => {
    for (const e of since) {
      const m = Math.max(0, Math.floor((Date.now() - Date.parse(e.dataset.since)) / 60000));
      const d = Math.floor(m / 1440);
      const h = Math.floor((m % 1440) / 60);
      e.textContent = m < 1 ? 'less than a minute' : [d && d + (d > 1 ? ' days' : ' day'), h && h + ' h', !d && m % 60 && (m % 60) + ' min'].filter(Boolean).join(' ');
    }
  };
  if (since.length) {
    tick();
    setInterval(tick, 30000);
  }
})();
