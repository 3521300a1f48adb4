// Lists the console's forms choose from: components, groups, users (through the API).
import type { ComponentGroupOut, ComponentOut } from '../../api/components/component-routes.ts';
import type { UserOut } from '../../api/identity/accounts.ts';
import type { ConsoleApi } from './api.ts';

export async function loadComponents(api: ConsoleApi): Promise<{ components: ComponentOut[]; groups: ComponentGroupOut[] }> {
  const [c, g] = await Promise.all([
    api.get<{ components: ComponentOut[] }>('/api/v1/components'),
    api.get<{ groups?: ComponentGroupOut[]; component_groups?: ComponentGroupOut[] }>('/api/v1/component-groups'),
  ]);
  return {
    components: c.ok ? c.data.components : [],
    groups: g.ok ? (g.data.groups ?? g.data.component_groups ?? []) : [],
  };
}

export async function loadUsers(api: ConsoleApi): Promise<UserOut[]> {
  const r = await api.get<{ users: UserOut[] }>('/api/v1/users');
  return r.ok ? r.data.users : [];
}

/** Options for a role select: active users, plus "unassigned". */
export function userOptions(users: UserOut[], current?: string | null): { value: string; label: string }[] {
  return [
    { value: '', label: 'Unassigned' },
    ...users.filter((u) => !u.disabled || u.id === current).map((u) => ({ value: u.id, label: `${u.name} (${u.role})` })),
  ];
}
