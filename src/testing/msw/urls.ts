import { env } from "@/lib/env";

/** The Supabase URL the app under test calls (the local stack's, from .env). */
const API_URL = env.supabaseUrl.replace(/\/$/, "");

export const authUrl = (path: string) => `${API_URL}/auth/v1${path}`;
export const restUrl = (path: string) => `${API_URL}/rest/v1${path}`;
export const functionUrl = (name: string) => `${API_URL}/functions/v1/${name}`;
