// User accounts: the shapes the API shows, the field rules, and the writes shared by routes and the CLI.
import { and, count, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { oneLine } from '../http/validate.ts';
import type { Executor } from '../../db/client.ts';
import { ROLES, users, type Role } from '../../db/schema.ts';
import { conflict } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import type { User } from '../core/actor.ts';

/** Emails are kept lowercased and trimmed, so sign-in and uniqueness ignore case. */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'An email address has at most 254 characters.')
  .email('Enter an email address like name@example.com.');

export const nameSchema = oneLine(z.string().trim().min(1, 'Enter a name.').max(100, 'Use at most 100 characters.'));

export const roleSchema = z.enum(ROLES);

/** A user as the API shows it: never the password hash. */
export interface UserOut {
  id: string;
  email: string;
  name: string;
  role: User['role'];
  disabled: boolean;
  has_password: boolean;
  created_at: string;
  updated_at: string;
}

export function userJson(u: User): UserOut {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    disabled: u.disabledAt !== null,
    has_password: u.passwordHash !== null,
    created_at: u.createdAt.toISOString(),
    updated_at: u.updatedAt.toISOString(),
  };
}

/** What the audit log keeps of a user: everything but the password hash. */
export function userAudit(u: User) {
  const { passwordHash, ...rest } = u;
  return { ...rest, hasPassword: passwordHash !== null };
}

export async function findUserByEmail(db: Executor, email: string): Promise<User | undefined> {
  const rows = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).limit(1);
  return rows[0];
}

export async function findUser(db: Executor, id: string): Promise<User | undefined> {
  const rows = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return rows[0];
}

export async function countUsers(db: Executor): Promise<number> {
  const rows = await db.select({ n: count() }).from(users);
  return rows[0]?.n ?? 0;
}

/** Owners who can still sign in: there must always be at least one. */
export async function countActiveOwners(db: Executor): Promise<number> {
  const rows = await db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.role, 'owner'), isNull(users.disabledAt)));
  return rows[0]?.n ?? 0;
}

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  /** Already hashed (hash outside the transaction: argon2 is slow on purpose). Null: invited, no password yet. */
  passwordHash: string | null;
}

/** Inserts a user; a taken email is a 409. */
export async function insertUser(db: Executor, input: NewUser, now: Date): Promise<User> {
  const email = input.email.trim().toLowerCase();
  if (await findUserByEmail(db, email)) throw conflict(`A user with the email ${email} already exists.`);
  const user: User = {
    id: newId(),
    email,
    name: input.name,
    role: input.role,
    passwordHash: input.passwordHash,
    disabledAt: null,
    createdAt: now,
    updatedAt: now,
  };
  await db.insert(users).values(user);
  return user;
}
