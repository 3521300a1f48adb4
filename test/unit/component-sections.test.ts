// One grouping for every component picker: a group once under its name, the ungrouped ones under "Other components".
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { componentSections } from '../../api/core/component-sections.ts';
import { choosableComponents } from '../../api/notify/subscriber-routes.ts';
import { json, makeTestApp, userWithSession, type TestApp } from '../support/app.ts';

const core = { id: 'g1', name: 'Core platform', position: 0 };

describe('componentSections', () => {
  it('keeps a group together when an ungrouped component sits between its members by position', () => {
    // What the subscribe page did: ordered by coalesce(group position, position), Status landed between API and
    // Web app, and "Core platform" showed twice with Status under it.
    const list = [
      { id: 'a', name: 'API', group_id: 'g1', position: 0 },
      { id: 'w', name: 'Web app', group_id: 'g1', position: 1 },
      { id: 'p', name: 'Payments', group_id: 'g1', position: 2 },
      { id: 's', name: 'Status emails', group_id: null, position: 0 },
    ];
    const sections = componentSections(list, [core]);
    expect(sections.map((s) => [s.heading, s.items.map((c) => c.name)])).toEqual([
      ['Core platform', ['API', 'Web app', 'Payments']],
      ['Other components', ['Status emails']],
    ]);
  });

  it('orders groups and members by position, drops empty groups, and names no section when there are no groups', () => {
    const groups = [
      { id: 'g2', name: 'Data', position: 1 },
      core,
      { id: 'g3', name: 'Empty', position: 2 },
    ];
    const list = [
      { id: 'd', name: 'DB', group_id: 'g2', position: 0 },
      { id: 'w', name: 'Web app', group_id: 'g1', position: 1 },
      { id: 'a', name: 'API', group_id: 'g1', position: 0 },
      { id: 'x', name: 'Lost', group_id: 'deleted-group', position: 0 },
    ];
    expect(componentSections(list, groups).map((s) => [s.heading, s.items.map((c) => c.id)])).toEqual([
      ['Core platform', ['a', 'w']],
      ['Data', ['d']],
      ['Other components', ['x']],
    ]);
    expect(componentSections([{ id: 'x', name: 'X', group_id: null }], []).map((s) => s.heading)).toEqual([null]);
  });

  it('takes the groups from an ordered list when none are given', () => {
    const list = [
      { id: 'a', name: 'API', group_id: 'g1', group: 'Core platform' },
      { id: 'w', name: 'Web app', group_id: 'g1', group: 'Core platform' },
      { id: 's', name: 'Status emails', group_id: null, group: null },
    ];
    expect(componentSections(list).map((s) => [s.heading, s.items.length])).toEqual([
      ['Core platform', 2],
      ['Other components', 1],
    ]);
  });
});

describe('choosableComponents (the subscribe and manage pages)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ memory: true });
  });
  afterEach(() => t.close());

  it('lists each group once, the ungrouped component after the groups', async () => {
    const owner = await userWithSession(t, 'owner');
    const post = async (path: string, body: unknown) => ((await (await t.app.request(path, json('POST', body, owner.headers))).json()) as { id: string }).id;
    const group = await post('/api/v1/component-groups', { name: 'Core platform' });
    // The ungrouped one first: it takes position 0 among the ungrouped, as the group's first member does.
    await post('/api/v1/components', { name: 'Status emails' });
    for (const name of ['API', 'Web app', 'Payments']) await post('/api/v1/components', { name, group_id: group });
    const list = await choosableComponents(t.database.db);
    expect(list.map((c) => `${c.group ?? '-'}/${c.name}`)).toEqual(['Core platform/API', 'Core platform/Web app', 'Core platform/Payments', '-/Status emails']);
  });
});
