// The sandbox's accounts, HTTP Basic authentication and the GET /account view.
import { suspended, unauthorized } from "./envelope.ts";
import { currency } from "./pricing.ts";

export const SANDBOX_USERNAME = "sandbox_user";
export const SANDBOX_API_KEY = "A1B2C3D4-E5F6-4789-ABCD-0123456789AB";
/** The key ClickSend documents for its test accounts nocredit, notactive and banned. */
export const TEST_ACCOUNT_API_KEY = "D83DED51-9E35-4D42-9BB9-0E34B7CA85AE";
const ENABLED_COUNTRIES: readonly string[] = ["AU", "NZ", "GB", "US", "CA"];

export interface Account {
  username: string;
  apiKey: string;
  userId: number;
  subaccountId: number;
  /** Balance in millionths of AUD, so prices add up exactly. */
  balanceMicros: number;
  active: boolean;
  banned: boolean;
  email: string;
  firstName: string;
  lastName: string;
  phone: string;
  dateSignUp: number;
  enabledCountries: readonly string[];
  /** setting_sms_message_char_limit: the most parts one SMS is billed. */
  smsPartsLimit: number;
}

interface AccountCounters {
  smsSent: number;
  mmsSent: number;
  requests: number;
  requestsByEndpoint: Record<string, number>;
}

export type AccountState = Account & AccountCounters;

export interface AccountSeed {
  username: string;
  apiKey: string;
  balanceMicros: number;
  active?: boolean;
  banned?: boolean;
}

/** 2025-01-01T00:00:00Z; fixed so the account view is stable across runs. */
const SIGN_UP = 1735689600;

export const DEFAULT_ACCOUNTS: readonly AccountSeed[] = [
  { username: SANDBOX_USERNAME, apiKey: SANDBOX_API_KEY, balanceMicros: 25_000_000 },
  { username: "nocredit", apiKey: TEST_ACCOUNT_API_KEY, balanceMicros: 0 },
  { username: "notactive", apiKey: TEST_ACCOUNT_API_KEY, balanceMicros: 0, active: false },
  { username: "banned", apiKey: TEST_ACCOUNT_API_KEY, balanceMicros: 0, banned: true },
];

export function createAccount(seed: AccountSeed, index: number): AccountState {
  const userId = 100001 + index * 10;
  return {
    username: seed.username,
    apiKey: seed.apiKey,
    userId,
    subaccountId: userId + 1,
    balanceMicros: seed.balanceMicros,
    active: seed.active ?? true,
    banned: seed.banned ?? false,
    email: `${seed.username}@sandbox.example.com`,
    firstName: "Sandbox",
    lastName: seed.username,
    phone: `+6140000${String(1000 + index).padStart(4, "0")}`,
    dateSignUp: SIGN_UP,
    enabledCountries: ENABLED_COUNTRIES,
    smsPartsLimit: 8,
    smsSent: 0,
    mmsSent: 0,
    requests: 0,
    requestsByEndpoint: {},
  };
}

export interface BasicCredentials {
  username: string;
  password: string;
}

export function parseBasicAuth(header: string | undefined): BasicCredentials | undefined {
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * The account behind an Authorization header. Missing or wrong credentials and the `notactive`
 * account share the same 401 body (live); a banned account authenticates but gets 403.
 */
export function authenticate(
  accounts: ReadonlyMap<string, AccountState>,
  header: string | undefined,
): AccountState {
  const credentials = parseBasicAuth(header);
  const account = credentials ? accounts.get(credentials.username) : undefined;
  if (!credentials || account?.apiKey !== credentials.password) throw unauthorized();
  if (!account.active) throw unauthorized();
  if (account.banned) throw suspended();
  return account;
}

export function formatBalance(micros: number): string {
  return (micros / 1_000_000).toFixed(6);
}

/** GET /v3/account `data`, field for field as clicksend-api.md §2.1 lists them. */
export function accountView(account: Account): Record<string, unknown> {
  const flag = (value: boolean): 0 | 1 => (value ? 1 : 0);
  return {
    user_id: account.userId,
    username: account.username,
    user_email: account.email,
    user_phone: account.phone,
    user_first_name: account.firstName,
    user_last_name: account.lastName,
    account: account.userId,
    account_name: `${account.firstName} ${account.lastName}`,
    account_billing_email: account.email,
    account_billing_mobile: account.phone,
    country: "AU",
    country_ip: "AU",
    default_country_sms: "AU",
    timezone: "Australia/Melbourne",
    date_sign_up: account.dateSignUp,
    balance: formatBalance(account.balanceMicros),
    balance_commission: "0.000000",
    auto_recharge: 0,
    auto_recharge_amount: "20.00",
    low_credit_amount: "5.00",
    price_rate: 0,
    pricing_variant: 0,
    active: flag(account.active),
    banned: flag(account.banned),
    on_trial: 0,
    setting_unicode_sms: 1,
    setting_email_sms_subject: 0,
    setting_fix_sender_id: 0,
    old_dashboard: 0,
    private_uploads: 0,
    fax_quality: 0,
    setting_sms_hide_your_number: 0,
    setting_sms_hide_business_name: 0,
    setting_sms_message_char_limit: account.smsPartsLimit,
    priority: 0,
    reply_to: null,
    delivery_to: null,
    trial_expiry: null,
    ai_enabled: 0,
    _currency: currency(true),
    _subaccount: {
      subaccount_id: account.subaccountId,
      api_username: account.username,
      email: account.email,
      phone_number: account.phone,
      first_name: account.firstName,
      last_name: account.lastName,
      // ClickSend returns the live key here; the sandbox does the same so clients learn to redact.
      api_key: account.apiKey,
      access_smpp: 0,
      access_users: 1,
      access_billing: 1,
      access_reporting: 1,
      access_contacts: 1,
      access_settings: 1,
      access_sms: 1,
      access_email: 1,
      access_voice: 1,
      access_fax: 1,
      access_post: 1,
      access_reseller: 0,
      access_global_sending: 1,
      access_mms: 1,
      hide_pricing: 0,
      share_campaigns: 0,
      notes: null,
      is_main: 1,
      sign_up_type: null,
    },
    _referrer_chosen: null,
  };
}
