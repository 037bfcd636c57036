// auth.users rows and the user object GoTrue returns for them (GET /user, token responses).
// Every value is rendered to text inside Postgres (timestamps as Go's RFC 3339 in UTC, jsonb as
// text), so PGlite and PostgreSQL produce identical bodies; rows are checked with zod on the way in.
// JSON goes in as text cast to jsonb ($n::text::jsonb): the postgres driver would JSON-encode a
// string bound straight to a jsonb parameter a second time.
import { z } from "zod";
import type { Tx } from "../../db/database.ts";

/** Go's time.Time JSON (RFC 3339, UTC, trailing zero fraction trimmed) for a timestamptz column. */
const goTime = (column: string): string =>
  `(regexp_replace(to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), '\\.?0+$', '') || 'Z')`;

const USER_COLUMNS = `
  u.id::text as id,
  coalesce(u.aud, '') as aud,
  coalesce(u.role, '') as role,
  coalesce(u.email, '') as email,
  coalesce(u.phone, '') as phone,
  ${goTime("u.email_confirmed_at")} as email_confirmed_at,
  ${goTime("u.confirmed_at")} as confirmed_at,
  ${goTime("u.last_sign_in_at")} as last_sign_in_at,
  coalesce(${goTime("u.created_at")}, '0001-01-01T00:00:00Z') as created_at,
  coalesce(${goTime("u.updated_at")}, '0001-01-01T00:00:00Z') as updated_at,
  coalesce(u.raw_app_meta_data, '{}'::jsonb)::text as app_metadata,
  coalesce(u.raw_user_meta_data, '{}'::jsonb)::text as user_metadata,
  u.is_anonymous,
  coalesce(u.banned_until > now(), false) as banned,
  u.encrypted_password,
  (select coalesce(json_agg(json_build_object(
      'identity_id', i.id::text,
      'id', i.provider_id,
      'user_id', i.user_id::text,
      'identity_data', i.identity_data,
      'provider', i.provider,
      'last_sign_in_at', ${goTime("i.last_sign_in_at")},
      'created_at', ${goTime("i.created_at")},
      'updated_at', ${goTime("i.updated_at")},
      'email', i.email
    ) order by i.created_at, i.id), '[]'::json)::text
   from auth.identities i where i.user_id = u.id) as identities`;

const userRowSchema = z.object({
  id: z.string(),
  aud: z.string(),
  role: z.string(),
  email: z.string(),
  phone: z.string(),
  email_confirmed_at: z.string().nullable(),
  confirmed_at: z.string().nullable(),
  last_sign_in_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  app_metadata: z.string(),
  user_metadata: z.string(),
  is_anonymous: z.boolean(),
  banned: z.boolean(),
  encrypted_password: z.string().nullable(),
  identities: z.string(),
});

export type UserRow = z.infer<typeof userRowSchema>;

const jsonObject = z.record(z.string(), z.unknown());
export type JsonObject = z.infer<typeof jsonObject>;

/** The user object exactly as GoTrue serialises models.User (omitempty fields left out). */
export interface GoTrueUser {
  id: string;
  aud: string;
  role: string;
  email: string;
  email_confirmed_at?: string;
  phone: string;
  confirmed_at?: string;
  last_sign_in_at?: string;
  app_metadata: JsonObject;
  user_metadata: JsonObject;
  identities: JsonObject[];
  created_at: string;
  updated_at: string;
  is_anonymous: boolean;
}

function parseObject(text: string): JsonObject {
  const parsed = jsonObject.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : {};
}

export function toGoTrueUser(row: UserRow): GoTrueUser {
  return {
    id: row.id,
    aud: row.aud,
    role: row.role,
    email: row.email,
    ...(row.email_confirmed_at === null ? {} : { email_confirmed_at: row.email_confirmed_at }),
    phone: row.phone,
    ...(row.confirmed_at === null ? {} : { confirmed_at: row.confirmed_at }),
    ...(row.last_sign_in_at === null ? {} : { last_sign_in_at: row.last_sign_in_at }),
    app_metadata: parseObject(row.app_metadata),
    user_metadata: parseObject(row.user_metadata),
    identities: z.array(jsonObject).parse(JSON.parse(row.identities)),
    created_at: row.created_at,
    updated_at: row.updated_at,
    is_anonymous: row.is_anonymous,
  };
}

async function selectUsers(tx: Tx, where: string, params: unknown[]): Promise<UserRow[]> {
  const rows = await tx.query(`select ${USER_COLUMNS} from auth.users u where ${where}`, params);
  return z.array(userRowSchema).parse(rows);
}

export async function findUserById(tx: Tx, id: string): Promise<UserRow | undefined> {
  return (await selectUsers(tx, "u.id = $1::uuid", [id]))[0];
}

/**
 * The user and whether a session exists, in one statement: every authenticated request (a
 * function's getUser above all) costs one database call, not two.
 */
export async function findUserWithSession(
  tx: Tx,
  id: string,
  sessionId: string | null,
): Promise<{ user: UserRow; sessionFound: boolean } | undefined> {
  const rows = await tx.query(
    `select ${USER_COLUMNS},
            exists (select 1 from auth.sessions s where s.id = $2::uuid) as session_found
       from auth.users u where u.id = $1::uuid`,
    [id, sessionId],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    user: userRowSchema.parse(row),
    sessionFound: z.object({ session_found: z.boolean() }).parse(row).session_found,
  };
}

/** GoTrue's FindUserByEmailAndAudience: case-insensitive email, audience, not an SSO user. */
export async function findUserByEmail(tx: Tx, email: string): Promise<UserRow | undefined> {
  const rows = await selectUsers(
    tx,
    "lower(u.email) = lower($1) and u.aud = 'authenticated' and u.is_sso_user = false order by u.created_at limit 1",
    [email],
  );
  return rows[0];
}

export interface NewUser {
  id: string;
  email: string;
  encryptedPassword: string;
  userMetadata: JsonObject;
  identityData: JsonObject;
}

/** Inserts a confirmed email user and its email identity (sign-up with confirmations off). */
export async function insertUser(tx: Tx, user: NewUser): Promise<void> {
  await tx.query(
    `insert into auth.users (
       instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, confirmed_at,
       last_sign_in_at, raw_app_meta_data, raw_user_meta_data, is_super_admin, created_at, updated_at
     ) values (
       '00000000-0000-0000-0000-000000000000', $1::uuid, 'authenticated', 'authenticated', $2, $3,
       now(), now(), now(), '{"provider": "email", "providers": ["email"]}'::jsonb, $4::text::jsonb,
       false, now(), now()
     )`,
    [user.id, user.email, user.encryptedPassword, JSON.stringify(user.userMetadata)],
  );
  await tx.query(
    `insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
     values ($1, $2::uuid, $3::text::jsonb, 'email', now(), now(), now())`,
    [user.id, user.id, JSON.stringify(user.identityData)],
  );
}

export async function touchLastSignIn(tx: Tx, userId: string): Promise<void> {
  await tx.query(
    "update auth.users set last_sign_in_at = now(), updated_at = now() where id = $1",
    [userId],
  );
}

/** GoTrue's UpdateUserMetaData: keys with a value are set, keys given as null are removed. */
export async function updateUserMetadata(tx: Tx, userId: string, data: JsonObject): Promise<void> {
  const set = Object.fromEntries(Object.entries(data).filter(([, value]) => value !== null));
  const remove = Object.keys(data).filter((key) => data[key] === null);
  await tx.query(
    `update auth.users
        set raw_user_meta_data = (coalesce(raw_user_meta_data, '{}'::jsonb) || $2::text::jsonb)
              - array(select jsonb_array_elements_text($3::text::jsonb)),
            updated_at = now()
      where id = $1`,
    [userId, JSON.stringify(set), JSON.stringify(remove)],
  );
}

export async function updatePassword(
  tx: Tx,
  userId: string,
  encryptedPassword: string,
): Promise<void> {
  await tx.query(
    "update auth.users set encrypted_password = $2, updated_at = now() where id = $1",
    [userId, encryptedPassword],
  );
}
