// Optional enhancement for Herald's public pages. Every time on a page is in the page's time zone, and so are its
// day headings: one rule, so a time never disagrees with the day it is listed under. When the reader's own zone
// differs, this adds their time as a hint (a tooltip on each time, and one sentence under the page's note about its
// zone), and keeps "ongoing for" current. Every page reads correctly without it.
(() => {
  const pageZone = document.documentElement.dataset.tz;
  const zone = (tz) => new Intl.DateTimeFormat('en-US', tz ? { timeZone: tz } : {}).resolvedOptions().timeZone;
  const mine = zone();
  if (pageZone && mine !== zone(pageZone)) {
    const o = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' };
    const f = { f: new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', ...o }), t: new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', ...o }) };
    for (const t of document.querySelectorAll('time[data-f]')) t.title = `${f[t.dataset.f].format(new Date(t.dateTime))} your time`;
    const note = document.getElementById('tz-note');
    if (note) {
      // Offsets now, in minutes east of UTC, from each zone's wall clock.
      const wall = (tz) => {
        const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' }).formatToParts(new Date()).map((x) => [x.type, Number(x.value)]));
        return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) / 60000;
      };
      const diff = wall(mine) - wall(pageZone);
      const h = Math.floor(Math.abs(diff) / 60);
      const m = Math.abs(diff) % 60;
      const amount = [h && `${h} hour${h > 1 ? 's' : ''}`, m && `${m} minutes`].filter(Boolean).join(' ');
      const hint = document.createElement('span');
      hint.textContent = diff === 0 ? ` Your time zone (${mine}) shows the same time now.` : ` Your time zone (${mine}) is ${amount} ${diff > 0 ? 'ahead' : 'behind'}; point at a time to see it in yours.`;
      note.append(hint);
    }
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
