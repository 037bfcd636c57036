// The /auth/v1 endpoints supabase-js calls, with GoTrue's validation order, statuses and messages.
// Confirmations are off locally (the Supabase CLI's default), so sign-up answers with a session.
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Database } from "../../db/database.ts";
import { sendJson } from "../http.ts";
import {
  AuthError,
  badRequest,
  forbidden,
  INVALID_LOGIN,
  notImplemented,
  OAuthError,
  unprocessable,
} from "./errors.ts";
import {
  checkPasswordStrength,
  hashPassword,
  passwordWeakness,
  verifyPassword,
} from "./passwords.ts";
import {
  authenticate,
  clientInfo,
  optionalObject,
  optionalString,
  readParams,
  requireAudience,
} from "./request.ts";
import {
  endOtherSessions,
  issueSession,
  logout,
  refreshTokenGrant,
  type LogoutScope,
  type TokenSettings,
} from "./sessions.ts";
import {
  findUserByEmail,
  findUserById,
  insertUser,
  toGoTrueUser,
  touchLastSignIn,
  updatePassword,
  updateUserMetadata,
} from "./users.ts";

export interface EndpointContext {
  db: Database;
  jwtSecret: string;
  settings: (req: IncomingMessage) => TokenSettings;
}

export type Endpoint = (
  ctx: EndpointContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) => Promise<void>;

// checkmail.ValidateFormat, the pattern GoTrue validates addresses with.
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** GoTrue's validateEmail: required, at most 255 characters, valid format; lower-cased. */
function validateEmail(email: string): string {
  if (email === "") throw badRequest("validation_failed", "An email address is required");
  if (email.length > 255) throw badRequest("validation_failed", "An email address is too long");
  if (!EMAIL.test(email)) {
    throw badRequest("validation_failed", "Unable to validate email address: invalid format");
  }
  return email.toLowerCase();
}

const isUniqueViolation = (error: unknown): boolean =>
  z.object({ code: z.literal("23505") }).safeParse(error).success;

export const health: Endpoint = (_ctx, _req, res) => {
  sendJson(res, 200, {
    version: "local",
    name: "GoTrue",
    description: "GoTrue is a user registration and authentication API",
  });
  return Promise.resolve();
};

export const publicSettings: Endpoint = (_ctx, _req, res) => {
  sendJson(res, 200, {
    external: { anonymous_users: false, email: true, phone: false },
    disable_signup: false,
    mailer_autoconfirm: true,
    phone_autoconfirm: false,
    sms_provider: "",
    saml_enabled: false,
  });
  return Promise.resolve();
};

const signupParams = z
  .object({
    email: optionalString,
    phone: optionalString,
    password: optionalString,
    data: optionalObject,
    channel: optionalString,
    code_challenge: optionalString,
    code_challenge_method: optionalString,
  })
  .loose();

export const signup: Endpoint = async (ctx, req, res) => {
  const params = await readParams(req, signupParams);
  const rawEmail = params.email ?? "";
  const phone = params.phone ?? "";
  const password = params.password ?? "";
  const data = params.data ?? {};

  if (password === "") throw badRequest("validation_failed", "Signup requires a valid password");
  checkPasswordStrength(password);
  if (rawEmail !== "" && phone !== "") {
    throw badRequest(
      "validation_failed",
      "Only an email address or phone number should be provided on signup.",
    );
  }
  if (phone !== "") throw badRequest("phone_provider_disabled", "Phone signups are disabled");
  if (rawEmail === "") {
    throw badRequest("validation_failed", "Sign up only available with email provider");
  }
  const email = validateEmail(rawEmail);
  if (await findUserByEmail(ctx.db, email)) {
    throw unprocessable("user_already_exists", "User already registered");
  }

  // Hashing is slow on purpose; never inside a transaction (PGlite has one connection).
  const encryptedPassword = await hashPassword(password);
  const id = randomUUID();
  const identityData = {
    ...data,
    email,
    email_verified: false,
    phone_verified: false,
    sub: id,
  };
  try {
    const session = await ctx.db.transaction(async (tx) => {
      await insertUser(tx, {
        id,
        email,
        encryptedPassword,
        // GoTrue's user.Confirm() records the confirmation in the metadata.
        userMetadata: { ...data, email_verified: true },
        identityData,
      });
      return issueSession(tx, ctx.settings(req), id, clientInfo(req));
    });
    sendJson(res, 200, session);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw unprocessable("user_already_exists", "User already registered");
    }
    throw error;
  }
};

const passwordGrantParams = z
  .object({ email: optionalString, phone: optionalString, password: optionalString })
  .loose();

async function passwordGrant(ctx: EndpointContext, req: IncomingMessage): Promise<unknown> {
  const params = await readParams(req, passwordGrantParams);
  const email = params.email ?? "";
  const phone = params.phone ?? "";
  const password = params.password ?? "";
  if (email !== "" && phone !== "") {
    throw badRequest(
      "validation_failed",
      "Only an email address or phone number should be provided on login.",
    );
  }
  if (phone !== "") throw unprocessable("phone_provider_disabled", "Phone logins are disabled");
  if (email === "") throw badRequest("validation_failed", "missing email or phone");

  const user = await findUserByEmail(ctx.db, email);
  const hasPassword = user?.encrypted_password != null && user.encrypted_password !== "";
  if (user?.banned === true && hasPassword) {
    throw badRequest("user_banned", "User is banned");
  }
  // Compared even for an unknown email, so the answer takes as long either way.
  const valid = await verifyPassword(password, hasPassword ? user.encrypted_password : null);
  if (!user || !valid) throw badRequest("invalid_credentials", INVALID_LOGIN);
  if (user.email_confirmed_at === null)
    throw badRequest("email_not_confirmed", "Email not confirmed");

  const weakness = passwordWeakness(password);
  const session = await ctx.db.transaction(async (tx) => {
    await touchLastSignIn(tx, user.id);
    return issueSession(tx, ctx.settings(req), user.id, clientInfo(req));
  });
  return weakness ? { ...session, weak_password: weakness } : session;
}

const refreshGrantParams = z.object({ refresh_token: optionalString }).loose();

/** Grants GoTrue has that this gateway does not offer (everything else is GoTrue's 400). */
const UNSUPPORTED_GRANTS = new Set(["pkce", "id_token", "web3"]);

export const token: Endpoint = async (ctx, req, res, url) => {
  const grantType = url.searchParams.get("grant_type") ?? "";
  if (grantType === "password") {
    sendJson(res, 200, await passwordGrant(ctx, req));
    return;
  }
  if (grantType === "refresh_token") {
    const params = await readParams(req, refreshGrantParams);
    const presented = params.refresh_token ?? "";
    if (presented === "") throw new OAuthError("invalid_request", "refresh_token required");
    sendJson(
      res,
      200,
      await refreshTokenGrant(ctx.db, ctx.settings(req), presented, clientInfo(req)),
    );
    return;
  }
  if (UNSUPPORTED_GRANTS.has(grantType))
    throw notImplemented(`POST /token?grant_type=${grantType}`);
  throw badRequest("invalid_credentials", "unsupported_grant_type");
};

export const getUser: Endpoint = async (ctx, req, res) => {
  const { claims, user } = await authenticate(ctx.db, ctx.jwtSecret, req);
  requireAudience(claims);
  sendJson(res, 200, toGoTrueUser(user));
};

const userUpdateParams = z
  .object({
    email: optionalString,
    password: optionalString,
    nonce: optionalString,
    data: optionalObject,
    app_metadata: optionalObject,
    phone: optionalString,
    channel: optionalString,
    code_challenge: optionalString,
    code_challenge_method: optionalString,
  })
  .loose();

export const updateUser: Endpoint = async (ctx, req, res) => {
  const { user, sessionId } = await authenticate(ctx.db, ctx.jwtSecret, req);
  const params = await readParams(req, userUpdateParams);
  const email = params.email ? validateEmail(params.email) : "";
  const password = params.password ?? undefined;
  if (password !== undefined) checkPasswordStrength(password);
  if (params.app_metadata != null) {
    throw forbidden("not_admin", "Updating app_metadata requires admin privileges");
  }
  if (email !== "" && email !== user.email) throw notImplemented("Changing the email (PUT /user)");
  if (params.phone && params.phone !== user.phone) {
    throw notImplemented("Changing the phone (PUT /user)");
  }
  if (params.nonce) throw notImplemented("Reauthentication nonces (PUT /user)");

  let encryptedPassword: string | undefined;
  if (password !== undefined) {
    if (await verifyPassword(password, user.encrypted_password)) {
      throw unprocessable(
        "same_password",
        "New password should be different from the old password.",
      );
    }
    encryptedPassword = await hashPassword(password);
  }
  const updated = await ctx.db.transaction(async (tx) => {
    if (encryptedPassword !== undefined) {
      await updatePassword(tx, user.id, encryptedPassword);
      await endOtherSessions(tx, user.id, sessionId);
    }
    if (params.data) await updateUserMetadata(tx, user.id, params.data);
    return findUserById(tx, user.id);
  });
  if (!updated) throw new AuthError(404, "user_not_found", "User not found");
  sendJson(res, 200, toGoTrueUser(updated));
};

const LOGOUT_SCOPES = new Map<string, LogoutScope>([
  ["", "global"],
  ["global", "global"],
  ["local", "local"],
  ["others", "others"],
]);

export const signOut: Endpoint = async (ctx, req, res, url) => {
  const { user, sessionId } = await authenticate(ctx.db, ctx.jwtSecret, req);
  const requested = url.searchParams.get("scope") ?? "";
  const scope = LOGOUT_SCOPES.get(requested);
  if (scope === undefined) {
    throw badRequest("validation_failed", `Unsupported logout scope ${JSON.stringify(requested)}`);
  }
  await logout(ctx.db, scope, user.id, sessionId);
  res.writeHead(204);
  res.end();
};
