import nodemailer from 'nodemailer';
import type { Deps } from '../../deps.ts';

const BATCH = 20;
const MAX_ATTEMPT_AGE_MS = 24 * 3600 * 1000;

/** Sends queued mails over SMTP; a mail that keeps failing for a day is marked failed. */
export async function sendQueuedMail(deps: Deps): Promise<number> {
  if (!deps.config.smtpUrl) return 0;
  const transport = nodemailer.createTransport(deps.config.smtpUrl);
  const db = deps.db.kysely;
  const queued = await db.selectFrom('mail_outbox').selectAll().where('status', '=', 'queued').orderBy('id').limit(BATCH).execute();
  let sent = 0;
  try {
    for (const mail of queued) {
      const now = deps.clock.now();
      try {
        await transport.sendMail({ from: deps.config.mailFrom, to: mail.to_address, subject: mail.subject, text: mail.text_body, html: mail.html_body ?? undefined });
        await db.updateTable('mail_outbox').set({ status: 'sent', sent_at: now, error: null }).where('id', '=', mail.id).execute();
        sent += 1;
      } catch (error) {
        const status = now - mail.created_at > MAX_ATTEMPT_AGE_MS ? 'failed' : 'queued';
        await db.updateTable('mail_outbox').set({ status, error: String(error).slice(0, 500) }).where('id', '=', mail.id).execute();
      }
    }
  } finally {
    transport.close();
  }
  return sent;
}
