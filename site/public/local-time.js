// Optional enhancement for Herald's public pages, in the page's language (<html lang>, data-m for the month's
// length). Every time on a page is in the page's time zone, and so are its day headings: one rule, so a time never
// disagrees with the day it is listed under. When the reader's own zone differs, this adds their time as a hint (a
// tooltip on each time, and one sentence after the page's note about its zone, its wording from the note's data-*
// attributes, which the server writes from the catalogue), and keeps "ongoing for" current. Every page reads
// correctly without it.
(() => {
  const root = document.documentElement;
  const lang = root.lang || 'en';
  const pageZone = root.dataset.tz;
  const zone = (tz) => new Intl.DateTimeFormat('en-US', tz ? { timeZone: tz } : {}).resolvedOptions().timeZone;
  const mine = zone();
  const say = (template, values) => (template || '').replace(/\{(\w+)\}/g, (whole, k) => (k in values ? values[k] : whole));
  // As the server writes durations (api/core/time-format.ts formatDuration): Intl's long unit names, listed.
  const unit = (u) => new Intl.NumberFormat(lang, { style: 'unit', unit: u, unitDisplay: 'long' });
  const units = () => ({ d: unit('day'), h: unit('hour'), m: unit('minute'), l: new Intl.ListFormat(lang, { type: 'unit', style: 'long' }) });
  const keep = (s) => s.replace(/ /g, '\u00a0');
  if (pageZone && mine !== zone(pageZone)) {
    const note = document.getElementById('tz-note');
    const month = root.dataset.m || 'short';
    const o = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' };
    const f = { f: new Intl.DateTimeFormat(lang, { year: 'numeric', month, day: 'numeric', ...o }), t: new Intl.DateTimeFormat(lang, { month, day: 'numeric', ...o }) };
    const yours = (note && note.dataset.yt) || '{time}';
    for (const t of document.querySelectorAll('time[data-f]')) t.title = say(yours, { time: f[t.dataset.f].format(new Date(t.dateTime)) });
    if (note) {
      // Offsets now, in minutes east of UTC, from each zone's wall clock.
      const wall = (tz) => {
        const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' }).formatToParts(new Date()).map((x) => [x.type, Number(x.value)]));
        return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) / 60000;
      };
      const diff = wall(mine) - wall(pageZone);
      const u = units();
      const h = Math.floor(Math.abs(diff) / 60);
      const m = Math.abs(diff) % 60;
      const amount = u.l.format([h && u.h.format(h), m && u.m.format(m)].filter(Boolean));
      // The zone's name is Latin: isolated, so a right-to-left sentence keeps its brackets around it.
      const name = root.dir === 'rtl' ? `\u2068${mine}\u2069` : mine;
      const hint = document.createElement('span');
      hint.textContent = (/^(ja|zh)/.test(lang) ? '' : ' ') + say(diff === 0 ? note.dataset.same : diff > 0 ? note.dataset.ahead : note.dataset.behind, { zone: name, amount });
      note.append(hint);
    }
  }
  const since = document.querySelectorAll('[data-since]');
  const tick = () => {
    const u = units();
    for (const e of since) {
      const m = Math.max(0, Math.floor((Date.now() - Date.parse(e.dataset.since)) / 60000));
      const d = Math.floor(m / 1440);
      const h = Math.floor((m % 1440) / 60);
      const parts = [d && u.d.format(d), h && u.h.format(h), !d && m % 60 && u.m.format(m % 60)].filter(Boolean).map(keep);
      e.textContent = m < 1 ? e.dataset.lt || '' : u.l.format(parts);
    }
  };
  if (since.length) {
    tick();
    setInterval(tick, 30000);
  }
})();
