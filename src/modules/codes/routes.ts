import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { decodeCursor, PagedQuery, pageLimit, PageOf, toPage } from '../../http/pagination.ts';
import { Id, WorkspaceAnd, WorkspaceParams } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { CODE_KINDS, CODE_STATUSES, CodeChanges, CodeView, NewCode, RevokeCode } from './schema.ts';
import { createCode, getCode, listCodes, presentCode, resetCode, revokeCode, updateCode } from './service.ts';

const tags = ['Codes'];
const CodeQuery = PagedQuery({
  groupId: Type.Optional(Id),
  kind: Type.Optional(Type.Enum(CODE_KINDS, { description: 'group: join codes only; live: live codes only' })),
  status: Type.Optional(Type.Enum(CODE_STATUSES)),
});
const CodeParams = WorkspaceAnd('codeId');

export async function codeRoutes(app: AppInstance, deps: Deps): Promise<void> {
  app.get(
    '/workspaces/:workspaceId/codes',
    { config: { access: 'codes:read' }, schema: { tags, summary: 'List join codes and live codes, newest first', params: WorkspaceParams, querystring: CodeQuery, response: { 200: PageOf(CodeView) } } },
    async (request) => {
      const limit = pageLimit(request.query);
      const rows = await listCodes(deps, request.params.workspaceId, {
        groupId: request.query.groupId,
        kind: request.query.kind,
        status: request.query.status,
        before: decodeCursor(request.query.cursor),
        limit: limit + 1,
      });
      return toPage(rows, limit, (row) => presentCode(deps, row));
    },
  );

  app.post(
    '/workspaces/:workspaceId/codes',
    {
      config: { access: 'codes:manage', idempotent: true },
      schema: {
        tags,
        summary: 'Create a join code (group QR) for a group',
        description:
          "Validity defaults to 168 h (7 days) and may not exceed the plan's maxCodeValidityHours (null = permanent, where the plan allows it). The daily scan cap defaults to, and may not exceed, the plan's scansPerCodePerDay.",
        params: WorkspaceParams,
        body: NewCode,
        response: { 201: CodeView },
      },
    },
    async (request, reply) => reply.status(201).send(await createCode(deps, request.actor, request.params.workspaceId, request.body)),
  );

  app.get(
    '/workspaces/:workspaceId/codes/:codeId',
    { config: { access: 'codes:read' }, schema: { tags, summary: 'A join code with its current URL, check code, state and counters', params: CodeParams, response: { 200: CodeView } } },
    async (request) => getCode(deps, request.params.workspaceId, request.params.codeId),
  );

  app.patch(
    '/workspaces/:workspaceId/codes/:codeId',
    {
      config: { access: 'codes:manage' },
      schema: { tags, summary: 'Edit, pause or resume a join code', params: CodeParams, body: CodeChanges, response: { 200: CodeView } },
    },
    async (request) => updateCode(deps, request.actor, request.params.workspaceId, request.params.codeId, request.body),
  );

  app.post(
    '/workspaces/:workspaceId/codes/:codeId/reset',
    {
      config: { access: 'codes:manage' },
      schema: {
        tags,
        summary: 'Issue a new token now; the old QR stops working at once',
        description: 'Records code.rotated with reason "reset". Reprint the poster with the new URL and check code.',
        params: CodeParams,
        response: { 200: CodeView },
      },
    },
    async (request) => resetCode(deps, request.actor, request.params.workspaceId, request.params.codeId),
  );

  app.post(
    '/workspaces/:workspaceId/codes/:codeId/revoke',
    {
      config: { access: 'codes:manage' },
      schema: {
        tags,
        summary: 'Revoke a join code for good, optionally with its blast radius',
        description:
          'Scanners get a 410 page. With blastRadius, everyone who joined through the code in the last N hours and is still in the group is removed or held for review in the same action (recorded in the audit log, one member event each). Revoking a revoked code changes nothing. The body may be omitted.',
        params: CodeParams,
        body: RevokeCode,
        response: { 200: Type.Intersect([CodeView, Type.Object({ affectedMembers: Type.Integer({ description: 'Members removed or held for review' }) })]) },
      },
      // An empty body means no options.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => revokeCode(deps, request.actor, request.params.workspaceId, request.params.codeId, request.body),
  );
}
