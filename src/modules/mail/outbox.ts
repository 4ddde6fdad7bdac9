import type { Config } from '../../config.ts';
import type { Executor } from '../../db/index.ts';
import { newId } from '../../ids.ts';

export interface Mail {
  workspaceId: string | null;
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/**
 * Queues a mail in the same transaction as the change that causes it. With SMTP configured the
 * mail job sends it; without, it stays in the development outbox that the console shows.
 */
export async function queueMail(db: Executor, config: Pick<Config, 'smtpUrl'>, mail: Mail, now: number): Promise<string> {
  const id = newId(now);
  await db
    .insertInto('mail_outbox')
    .values({
      id,
      workspace_id: mail.workspaceId,
      to_address: mail.to,
      subject: mail.subject,
      text_body: mail.text,
      html_body: mail.html ?? null,
      status: config.smtpUrl ? 'queued' : 'development',
      error: null,
      created_at: now,
      sent_at: null,
    })
    .execute();
  return id;
}

export function listOutbox(db: Executor, workspaceId: string, before: string | undefined, limit: number) {
  let query = db.selectFrom('mail_outbox').selectAll().where('workspace_id', '=', workspaceId);
  if (before) query = query.where('id', '<', before);
  return query.orderBy('id', 'desc').limit(limit).execute();
}
