import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { WorkspaceAnd, WorkspaceParams } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { downloadHeaders } from '../../infra/spreadsheet/export.ts';
import { LOCALES, pickLocale, type Locale } from '../../pages/locale.ts';
import { mustFindBatch } from './batch.ts';
import { exportInvites } from './export.ts';
import { inviteFilterOf } from './repository.ts';
import { InviteQuery } from './schema.ts';

const tags = ['Invite codes'];
const Format = Type.Optional(Type.Enum(['csv', 'xlsx'] as const, { default: 'csv', description: 'csv (UTF-8 with BOM) or xlsx' }));
const { limit: _limit, cursor: _cursor, ...filters } = InviteQuery.properties;
const LocaleParam = Type.Optional(Type.Enum(LOCALES, { description: 'Language of the column headers and state names: zh-CN or en; default from Accept-Language (Chinese when it names no language)' }));
const ExportQuery = Type.Object({ format: Format, locale: LocaleParam, ...filters }, { additionalProperties: false });
const BatchExportQuery = Type.Object({ format: Format, locale: LocaleParam }, { additionalProperties: false });
const FileResponse = Type.Unsafe<unknown>({
  description: 'The file, streamed',
  content: {
    'text/csv': { schema: { type: 'string' } },
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } },
  },
});
const COLUMNS =
  'Columns: code, short link, state, purpose, owner type / ID / name, campaign ID, routing (type:name), tags (key=value; …), max uses (a number or unlimited), uses, expires at, link suffix, origin, batch ID, created at. Headers and state names in Chinese or English by locale (else Accept-Language); other values as the API names them; times UTC. Text a spreadsheet could run as a formula is prefixed with an apostrophe.';

/** The file's language: the one asked for, else the reader's preference. */
function localeOf(asked: Locale | undefined, acceptLanguage: string | undefined): Locale {
  return asked ?? pickLocale(acceptLanguage);
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export async function inviteExportRoutes(app: AppInstance, deps: Deps): Promise<void> {
  app.get(
    '/workspaces/:workspaceId/invites/export',
    {
      config: { access: 'invites:read' },
      schema: {
        tags,
        summary: 'Download invite codes as CSV or XLSX',
        description: `The codes matching the list's filters (state, owner, purpose, campaignId, batchId, code), newest first, streamed however many there are. ${COLUMNS}`,
        params: WorkspaceParams,
        querystring: ExportQuery,
        produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: { 200: FileResponse },
      },
    },
    async (request, reply) => {
      const { format = 'csv', locale: asked, ...query } = request.query;
      const locale = localeOf(asked, request.headers['accept-language']);
      const name = `${locale === 'zh-CN' ? '邀请码' : 'invite-codes'}-${day(deps.clock.now())}`;
      return reply.headers(downloadHeaders(format, name)).send(exportInvites(deps, request.params.workspaceId, inviteFilterOf(query), format, locale));
    },
  );

  app.get(
    '/workspaces/:workspaceId/invite-batches/:batchId/export',
    {
      config: { access: 'invites:read' },
      schema: {
        tags,
        summary: "Download a batch's invite codes as CSV or XLSX",
        description: `The codes the batch made so far (all of them once it is done), streamed. ${COLUMNS}`,
        params: WorkspaceAnd('batchId'),
        querystring: BatchExportQuery,
        produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: { 200: FileResponse },
      },
    },
    async (request, reply) => {
      const { workspaceId, batchId } = request.params;
      const batch = await mustFindBatch(deps.db.kysely, workspaceId, batchId);
      const format = request.query.format ?? 'csv';
      const locale = localeOf(request.query.locale, request.headers['accept-language']);
      const name = `${locale === 'zh-CN' ? '邀请码批次' : 'invite-batch'}-${batch.id}`;
      return reply.headers(downloadHeaders(format, name)).send(exportInvites(deps, workspaceId, { batchId: batch.id }, format, locale));
    },
  );
}
