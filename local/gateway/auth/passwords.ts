// Passwords as GoTrue keeps them: bcrypt, cost 10, "$2a$" (Go's bcrypt and pgcrypto's crypt()
// both write and read that prefix; bcryptjs also reads "$2b$"/"$2y$"). Strength rules are GoTrue's
// defaults under the Supabase CLI: at least 6 characters, at most 72 bytes (bcrypt's limit).
import { compare, genSalt, hash } from "bcryptjs";
import { randomUUID } from "node:crypto";
import { AuthError, badRequest } from "./errors.ts";

const MIN_PASSWORD_LENGTH = 6;
const MAX_PASSWORD_BYTES = 72;
const COST = 10;

/** A hash of a random password, compared against when the email is unknown so timing matches. */
let dummyHash: Promise<string> | undefined;

export async function hashPassword(password: string): Promise<string> {
  const salt = (await genSalt(COST)).replace(/^\$2b\$/, "$2a$");
  return hash(password, salt);
}

/** True when the password matches; false for a wrong password or an unusable stored hash. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  if (stored === null || !/^\$2[aby]\$\d{2}\$/.test(stored)) {
    dummyHash ??= hashPassword(randomUUID());
    await compare(password, await dummyHash);
    return false;
  }
  try {
    return await compare(password, stored);
  } catch {
    return false;
  }
}

export interface WeakPassword {
  message: string;
  reasons: string[];
}

/** GoTrue's checkPasswordStrength without throwing: undefined when strong enough. */
export function passwordWeakness(password: string): WeakPassword | undefined {
  // Go's len(): bytes, as GoTrue counts them.
  if (Buffer.byteLength(password, "utf8") < MIN_PASSWORD_LENGTH) {
    return {
      message: `Password should be at least ${String(MIN_PASSWORD_LENGTH)} characters.`,
      reasons: ["length"],
    };
  }
  return undefined;
}

/** GoTrue's checkPasswordStrength: 400 when too long for bcrypt, 422 weak_password when too short. */
export function checkPasswordStrength(password: string): void {
  if (Buffer.byteLength(password, "utf8") > MAX_PASSWORD_BYTES) {
    throw badRequest(
      "validation_failed",
      `Password cannot be longer than ${String(MAX_PASSWORD_BYTES)} characters`,
    );
  }
  const weakness = passwordWeakness(password);
  if (weakness) throw new AuthError(422, "weak_password", weakness.message, weakness.reasons);
}
