import { Type } from 'typebox';
import { toIso } from '../../clock.ts';
import type { Deps } from '../../deps.ts';
import { decodeCursor, PageOf, PageQuery, pageLimit, toPage } from '../../http/pagination.ts';
import { NullableTimestamp, Timestamp, WorkspaceParams } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { listOutbox } from './outbox.ts';

const MailView = Type.Object({
  id: Type.String(),
  to: Type.String(),
  subject: Type.String(),
  text: Type.String(),
  status: Type.Enum(['development', 'queued', 'sent', 'failed']),
  error: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  sentAt: NullableTimestamp,
});

export async function mailRoutes(app: AppInstance, deps: Deps): Promise<void> {
  app.get(
    '/workspaces/:workspaceId/mail-outbox',
    {
      config: { access: 'mail:read' },
      schema: {
        tags: ['Mail'],
        summary: "Mails sent on the workspace's behalf",
        description: 'Without SMTP_URL nothing leaves the server: mails stay here with status "development", so invitations and sign-in codes can be read in the console.',
        params: WorkspaceParams,
        querystring: PageQuery,
        response: { 200: PageOf(MailView) },
      },
    },
    async (request) => {
      const limit = pageLimit(request.query);
      const rows = await listOutbox(deps.db.kysely, request.params.workspaceId, decodeCursor(request.query.cursor), limit + 1);
      return toPage(rows, limit, (row) => ({
        id: row.id,
        to: row.to_address,
        subject: row.subject,
        text: row.text_body,
        status: row.status as 'development' | 'queued' | 'sent' | 'failed',
        error: row.error,
        createdAt: toIso(row.created_at),
        sentAt: toIso(row.sent_at),
      }));
    },
  );
}
