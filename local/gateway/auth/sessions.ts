// Sessions, access tokens and rotating refresh tokens, as GoTrue issues them.
//
// Every sign-in starts a row in auth.sessions with one live refresh token. A refresh-token grant
// revokes the presented token and issues its child (parent = the old token) in the same session.
// Presenting a revoked token again is GoTrue's "possible abuse": every live token of that session
// is revoked and the answer is 400 refresh_token_already_used. GoTrue lets the client replay the
// immediate parent of the live token within refresh_token_reuse_interval (10 s in the Supabase CLI)
// and answers with the live token; this gateway does that only when reuseIntervalSeconds > 0 (off by
// default, so a replayed token is always refused).
import { randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import type { Database, Tx } from "../../db/database.ts";
import { signJwt } from "../jwt.ts";
import { badRequest } from "./errors.ts";
import type { WeakPassword } from "./passwords.ts";
import { findUserById, toGoTrueUser, type GoTrueUser } from "./users.ts";

const ACCESS_TOKEN_TTL_SECONDS = 3600;
const NIL_UUID = "00000000-0000-0000-0000-000000000000";

export interface TokenSettings {
  jwtSecret: string;
  /** The iss claim: this gateway's /auth/v1 URL. */
  issuer: string;
  reuseIntervalSeconds: number;
}

/** Where a sign-in came from, stored on the session like GoTrue does. */
export interface ClientInfo {
  userAgent: string | null;
  ip: string | null;
}

/** GoTrue's AccessTokenResponse. */
export interface TokenResponse {
  access_token: string;
  token_type: "bearer";
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  user: GoTrueUser;
  weak_password?: WeakPassword;
}

const newRefreshToken = (): string => randomBytes(24).toString("base64url");

/** An HS256 access token with GoTrue's claims, in GoTrue's claim order. */
function signAccessToken(
  settings: TokenSettings,
  user: GoTrueUser,
  sessionId: string,
  authTime: number,
): { token: string; expiresAt: number } {
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + ACCESS_TOKEN_TTL_SECONDS;
  const claims = {
    iss: settings.issuer,
    sub: user.id,
    aud: user.aud || "authenticated",
    exp,
    iat,
    email: user.email,
    phone: user.phone,
    app_metadata: user.app_metadata,
    user_metadata: user.user_metadata,
    role: user.role || "authenticated",
    aal: "aal1",
    amr: [{ method: "password", timestamp: authTime }],
    session_id: sessionId,
    is_anonymous: user.is_anonymous,
  };
  return { token: signJwt(claims, settings.jwtSecret), expiresAt: exp };
}

async function loadUser(tx: Tx, userId: string): Promise<GoTrueUser> {
  const row = await findUserById(tx, userId);
  if (!row) throw new Error("user vanished while issuing a session");
  return toGoTrueUser(row);
}

function tokenResponse(
  settings: TokenSettings,
  user: GoTrueUser,
  sessionId: string,
  authTime: number,
  refreshToken: string,
): TokenResponse {
  const { token, expiresAt } = signAccessToken(settings, user, sessionId, authTime);
  return {
    access_token: token,
    token_type: "bearer",
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    expires_at: expiresAt,
    refresh_token: refreshToken,
    user,
  };
}

const authTimeRow = z.object({ auth_time: z.number() });

/** Starts a session with its first refresh token and answers with GoTrue's token response. */
export async function issueSession(
  tx: Tx,
  settings: TokenSettings,
  userId: string,
  client: ClientInfo,
): Promise<TokenResponse> {
  const sessionId = randomUUID();
  const refreshToken = newRefreshToken();
  const [session] = z.array(authTimeRow).parse(
    await tx.query(
      `insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent, ip)
       values ($1::uuid, $2::uuid, now(), now(), 'aal1', $3, $4::inet)
       returning floor(extract(epoch from created_at))::float8 as auth_time`,
      [sessionId, userId, client.userAgent, client.ip],
    ),
  );
  await tx.query(
    `insert into auth.refresh_tokens (instance_id, token, user_id, revoked, session_id, created_at, updated_at)
     values ($1::uuid, $2, $3::uuid, false, $4::uuid, now(), now())`,
    [NIL_UUID, refreshToken, userId, sessionId],
  );
  const user = await loadUser(tx, userId);
  return tokenResponse(settings, user, sessionId, session?.auth_time ?? 0, refreshToken);
}

const presentedTokenRow = z.object({
  id: z.string(),
  revoked: z.boolean(),
  user_id: z.string(),
  session_id: z.string(),
  within_reuse_interval: z.boolean(),
  session_expired: z.boolean(),
  auth_time: z.number(),
});
const liveTokenRow = z.object({ token: z.string(), parent: z.string().nullable() });

type RefreshOutcome = { reused: true } | { reused: false; response: TokenResponse };

/** POST /token?grant_type=refresh_token. */
export async function refreshTokenGrant(
  db: Database,
  settings: TokenSettings,
  presented: string,
  client: ClientInfo,
): Promise<TokenResponse> {
  const outcome = await db.transaction(async (tx): Promise<RefreshOutcome> => {
    const [row] = z.array(presentedTokenRow).parse(
      await tx.query(
        `select t.id::text as id, t.revoked, t.user_id::text as user_id, t.session_id::text as session_id,
                now() <= t.updated_at + make_interval(secs => $2::float8) as within_reuse_interval,
                coalesce(s.not_after <= now(), false) as session_expired,
                floor(extract(epoch from s.created_at))::float8 as auth_time
           from auth.refresh_tokens t
           join auth.sessions s on s.id = t.session_id
          where t.token = $1
            for update of t, s`,
        [presented, settings.reuseIntervalSeconds],
      ),
    );
    if (!row) {
      throw badRequest("refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
    }
    const user = await loadUser(tx, row.user_id);
    const banned = await tx.query(
      "select 1 from auth.users where id = $1::uuid and banned_until > now()",
      [row.user_id],
    );
    if (banned.length > 0) throw badRequest("user_banned", "Invalid Refresh Token: User Banned");
    if (row.session_expired) {
      throw badRequest("session_expired", "Invalid Refresh Token: Session Expired");
    }

    let issued: string;
    if (row.revoked) {
      const [live] = z.array(liveTokenRow).parse(
        await tx.query(
          `select token, parent from auth.refresh_tokens
            where session_id = $1::uuid and revoked = false order by id desc limit 1`,
          [row.session_id],
        ),
      );
      const replayAllowed =
        settings.reuseIntervalSeconds > 0 &&
        row.within_reuse_interval &&
        live?.parent === presented;
      if (!live || !replayAllowed) {
        await tx.query(
          `update auth.refresh_tokens set revoked = true, updated_at = now()
            where session_id = $1::uuid and revoked = false`,
          [row.session_id],
        );
        return { reused: true };
      }
      issued = live.token;
    } else {
      issued = newRefreshToken();
      await tx.query(
        "update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1::bigint",
        [row.id],
      );
      await tx.query(
        `insert into auth.refresh_tokens (instance_id, token, user_id, revoked, parent, session_id, created_at, updated_at)
         values ($1::uuid, $2, $3::uuid, false, $4, $5::uuid, now(), now())`,
        [NIL_UUID, issued, row.user_id, presented, row.session_id],
      );
    }
    await tx.query(
      `update auth.sessions set refreshed_at = now(), updated_at = now(), user_agent = $2, ip = $3::inet
        where id = $1::uuid`,
      [row.session_id, client.userAgent, client.ip],
    );
    return {
      reused: false,
      response: tokenResponse(settings, user, row.session_id, row.auth_time, issued),
    };
  });
  // The family is revoked and committed before the refusal, as GoTrue does.
  if (outcome.reused) {
    throw badRequest("refresh_token_already_used", "Invalid Refresh Token: Already Used");
  }
  return outcome.response;
}

export type LogoutScope = "global" | "local" | "others";

/** POST /logout: deletes sessions (their refresh tokens cascade), like GoTrue's models.Logout*. */
export async function logout(
  db: Database,
  scope: LogoutScope,
  userId: string,
  sessionId: string | undefined,
): Promise<void> {
  if (sessionId !== undefined && scope === "local") {
    await db.query("delete from auth.sessions where id = $1::uuid", [sessionId]);
  } else if (sessionId !== undefined && scope === "others") {
    await db.query("delete from auth.sessions where user_id = $1::uuid and id <> $2::uuid", [
      userId,
      sessionId,
    ]);
  } else {
    await db.query("delete from auth.sessions where user_id = $1::uuid", [userId]);
  }
}

/** GoTrue's UpdatePassword: a password change ends every other session of the user. */
export async function endOtherSessions(
  tx: Tx,
  userId: string,
  sessionId: string | undefined,
): Promise<void> {
  if (sessionId === undefined) {
    await tx.query("delete from auth.sessions where user_id = $1::uuid", [userId]);
  } else {
    await tx.query("delete from auth.sessions where user_id = $1::uuid and id <> $2::uuid", [
      userId,
      sessionId,
    ]);
  }
}
