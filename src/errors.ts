/**
 * The one registry of error codes. Services throw AppError(code); the HTTP error plugin turns the
 * code into its status and an application/problem+json body (RFC 9457). The README's error table
 * is checked against this registry by a test, so a code is never undocumented.
 */
export const ERRORS = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  malformed_json: { status: 400, title: 'The request body is not valid JSON' },
  invalid_cursor: { status: 400, title: 'The pagination cursor is not valid' },
  unauthenticated: { status: 401, title: 'Sign in or send a valid API key' },
  invalid_credentials: { status: 401, title: 'The email or password is wrong' },
  invalid_api_key: { status: 401, title: 'The API key is not valid' },
  csrf_failed: { status: 403, title: 'The CSRF token is missing or wrong' },
  forbidden: { status: 403, title: 'Your role does not allow this' },
  ip_not_allowed: { status: 403, title: 'This API key may not be used from this address' },
  api_access_disabled: { status: 403, title: "The workspace's plan does not include API access" },
  invite_campaign_not_running: { status: 403, title: "The invite code's campaign is not running now" },
  not_found: { status: 404, title: 'Not found' },
  route_not_found: { status: 404, title: 'No such route' },
  invite_code_unknown: { status: 404, title: 'No such invite code' },
  invite_code_other_workspace: { status: 404, title: 'The invite code belongs to another workspace' },
  email_taken: { status: 409, title: 'That email already has an account' },
  already_member: { status: 409, title: 'That person is already on the staff of this workspace' },
  idempotency_in_progress: { status: 409, title: 'A request with this Idempotency-Key is still in progress' },
  invite_exhausted: { status: 409, title: 'The invite code has no uses left' },
  invite_already_referred: { status: 409, title: 'This user already has an inviter' },
  invite_campaign_limit_reached: { status: 409, title: "This user has reached the campaign's redemption limit" },
  invite_campaign_in_use: { status: 409, title: 'The campaign still has invite codes' },
  invite_not_extendable: { status: 409, title: 'The invite code cannot be extended' },
  invite_archived: { status: 409, title: 'The invite code is archived history and cannot change' },
  invite_report_conflict: { status: 409, title: 'This report id was already received with other items' },
  invite_batch_finished: { status: 409, title: 'The invite batch has finished already' },
  invite_batch_running: { status: 409, title: 'The invite batch is still generating codes' },
  invite_bulk_revoke_running: { status: 409, title: 'A bulk revoke of the same codes is still running' },
  invite_link_suffix_taken: { status: 409, title: 'That short-link suffix is taken' },
  purchase_conflict: { status: 409, title: 'This order id was already reported with other details' },
  refund_conflict: { status: 409, title: 'This refund id was already reported with another amount' },
  reward_currency_locked: { status: 409, title: 'The reward currency cannot change while the ledger has entries in another' },
  reward_transition_invalid: { status: 409, title: 'The reward entry cannot move to that state' },
  reward_on_hold: { status: 409, title: 'The reward entry is still in its holding period' },
  redemption_already_reversed: { status: 409, title: 'The redemption was already reversed' },
  duplicate_entry: { status: 409, title: 'The live code already has this entry' },
  invitation_unusable: { status: 410, title: 'The invitation has expired, been used or been revoked' },
  invite_expired: { status: 410, title: 'The invite code has expired' },
  invite_revoked: { status: 410, title: 'The invite code was revoked' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  image_too_large: { status: 413, title: 'The image is too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported content type' },
  idempotency_key_reused: { status: 422, title: 'This Idempotency-Key was used with a different request' },
  last_owner: { status: 422, title: 'A workspace must keep at least one owner' },
  weak_password: { status: 422, title: 'The password is too weak' },
  unsafe_webhook_url: { status: 422, title: 'The webhook URL is not allowed' },
  not_replayable: { status: 422, title: 'This delivery cannot be replayed now' },
  invite_code_mistyped: { status: 422, title: 'That is not a valid invite code: did you mistype?' },
  invite_alphabet_invalid: { status: 422, title: 'The invite code alphabet cannot be used' },
  invite_self_referral: { status: 422, title: 'An owner cannot redeem their own invite code' },
  invite_referral_cycle: { status: 422, title: 'Redeeming this code would make a referral cycle' },
  purchase_buyer_unknown: { status: 422, title: 'The buyer is not known to this workspace' },
  purchase_currency_mismatch: { status: 422, title: "The purchase is not in the workspace's reward currency" },
  refund_exceeds_purchase: { status: 422, title: 'The refund is more than what is left of the purchase' },
  invalid_csv: { status: 422, title: 'The CSV file cannot be imported' },
  not_an_image: { status: 422, title: 'The upload is not a PNG or JPEG image' },
  image_unreadable: { status: 422, title: 'The image is corrupt or cannot be read' },
  no_qr_code: { status: 422, title: 'No QR code was found in the image' },
  contradictory_pool_rules: { status: 422, title: "The live code's pool rules contradict each other" },
  rate_limited: { status: 429, title: 'Too many requests' },
  locked_out: { status: 429, title: 'Too many failed attempts; try again later' },
  invite_quota_exceeded: { status: 429, title: "The owner has used today's invite code quota" },
  invite_redemptions_held: { status: 429, title: 'Redemptions are held back after an abuse alert' },
  internal_error: { status: 500, title: 'Something went wrong on our side' },
  not_ready: { status: 503, title: 'A dependency is not reachable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance?: string;
  requestId?: string;
  [extension: string]: unknown;
}

export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    /** Extra members for the problem body, e.g. the failing fields or a retry hint. */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? ERRORS[code].title);
    this.name = 'AppError';
    this.status = ERRORS[code].status;
  }
}

export function problemType(code: ErrorCode): string {
  return `https://joincode.dev/problems/${code.replaceAll('_', '-')}`;
}

export function toProblem(error: AppError, requestId?: string, instance?: string): ProblemDetails {
  return {
    ...error.extensions,
    type: problemType(error.code),
    title: ERRORS[error.code].title,
    status: error.status,
    code: error.code,
    ...(error.detail ? { detail: error.detail } : {}),
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
  };
}
