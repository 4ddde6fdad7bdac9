import { toIso } from '../../clock.ts';
import type { Executor } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { SYSTEM_ACTOR } from '../audit/actor.ts';
import { recordChange } from '../audit/record.ts';
import { queueMail } from '../mail/outbox.ts';
import { ownerEmails } from './repository.ts';

/**
 * How long an endpoint may fail without a single success before it is disabled. Svix waits five
 * days; a day is plenty for a self-hosted service whose owners get a mail either way.
 */
export const SUSTAINED_FAILURE_MS = 24 * 3600 * 1000;

/** A success ends a failing streak. */
export async function noteSuccess(tx: Executor, endpointId: string, now: number): Promise<void> {
  await tx.updateTable('webhook_endpoints').set({ failing_since: null, updated_at: now }).where('id', '=', endpointId).where('failing_since', 'is not', null).execute();
}

/**
 * A failed attempt starts a failing streak or extends it. The endpoint is disabled when the streak
 * has lasted SUSTAINED_FAILURE_MS, or at once when the receiver says 410 Gone. Disabling records
 * the webhook_endpoint.disabled event and mails every owner, in the attempt's transaction; the
 * conditional update makes sure only one of several concurrent failures does so.
 */
export async function noteFailure(tx: Executor, deps: Deps, endpointId: string, statusCode: number | null, now: number): Promise<void> {
  await tx.updateTable('webhook_endpoints').set({ failing_since: now, updated_at: now }).where('id', '=', endpointId).where('failing_since', 'is', null).execute();
  const gone = statusCode === 410;
  const disabled = await tx
    .updateTable('webhook_endpoints')
    .set({ status: 'disabled', disabled_at: now, updated_at: now })
    .where('id', '=', endpointId)
    .where('status', '=', 'active')
    .$if(!gone, (q) => q.where('failing_since', '<=', now - SUSTAINED_FAILURE_MS))
    .returning(['workspace_id', 'url', 'failing_since'])
    .executeTakeFirst();
  if (!disabled) return;

  const failingSince = toIso(disabled.failing_since);
  const reason = gone ? 'The receiver answered 410 Gone' : `Every delivery attempt since ${failingSince} failed`;
  const workspaceId = disabled.workspace_id;
  await recordChange(
    tx,
    SYSTEM_ACTOR,
    {
      workspaceId,
      action: 'webhook_endpoint.disabled',
      targetType: 'webhook_endpoint',
      targetId: endpointId,
      details: { reason },
      event: { endpointId, url: disabled.url, reason, failingSince },
    },
    now,
  );
  const text = [
    `joincode stopped sending webhooks to ${disabled.url}.`,
    '',
    `${reason}.`,
    'Deliveries that were still due wait for the endpoint; once the receiver works again, enable the',
    'endpoint in the console (Webhooks) and they continue. Failed deliveries can be replayed there.',
  ].join('\n');
  for (const to of await ownerEmails(tx, workspaceId)) {
    await queueMail(tx, deps.config, { workspaceId, to, subject: `Webhook endpoint disabled: ${disabled.url}`, text }, now);
  }
}
