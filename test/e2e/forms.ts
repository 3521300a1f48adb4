// Filling the console's own controls the way a person does.
import type { Locator, Page } from '@playwright/test';

/** A DateTimeField (a date picker and a 24-hour time text) named `label`, with "YYYY-MM-DDTHH:MM[:SS]". */
export async function fillDateTime(scope: Page | Locator, label: string | RegExp, wall: string): Promise<void> {
  const [date = '', time = ''] = wall.split('T');
  const group = scope.getByRole('group', { name: typeof label === 'string' ? new RegExp(`^${label}`) : label });
  await group.locator('input[type="date"]').fill(date);
  await group.locator('input[name$=":time"]').fill(time);
}

/** Follows the console's navigation to `link` inside the group `group` (Incidents ▾, Subscribers ▾, Settings ▾). */
export async function navTo(page: Page, group: string, link: string): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Console' });
  await nav.locator('summary', { hasText: group }).click();
  await nav.getByRole('link', { name: link, exact: true }).click();
}
