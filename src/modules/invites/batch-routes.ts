import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { decodeCursor, PageOf, pageLimit, toPage } from '../../http/pagination.ts';
import { WorkspaceAnd, WorkspaceParams } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { cancelBatch, createBatch, listBatches, mustFindBatch, presentBatch } from './batch.ts';
import { BATCH_MAX_CODES, BatchQuery, BatchView, NewInviteBatch } from './batch-schema.ts';

const tags = ['Invite codes'];
const BatchParams = WorkspaceAnd('batchId');

export async function inviteBatchRoutes(app: AppInstance, deps: Deps): Promise<void> {
  app.post(
    '/workspaces/:workspaceId/invite-batches',
    {
      config: { access: 'invites:manage', idempotent: true },
      schema: {
        tags,
        summary: 'Generate a batch of invite codes in the background',
        description: `Up to ${BATCH_MAX_CODES.toLocaleString('en')} codes sharing one owner, purpose, campaign, routing, tags, validity and max uses (the fields of POST …/invites). Answers 202 at once with the queued batch; a background job makes the codes in chunks (resuming after a restart) and GET …/invite-batches/{batchId} shows generated/total. The codes are unique in the workspace, in its current format with the check character, origin batch; they do not count against owners' daily quotas. One invite.batch_completed event when done (no invite.created per code). Refused with 400 naming /count: a count over the plan's limit inviteCodesPerBatch (free 1,000, pro 100,000, enterprise 1,000,000 by default; the problem's limit says which applies), or over 1% of the codes the format can make (lengthen bodyLength). If every run of the job dies (the job runner gives up), the batch turns failed with the reason in error when the runner gives up: as the last attempt fails, or, if the process running the last attempt died, once that attempt's lease (5 minutes) has lapsed.`,
        params: WorkspaceParams,
        body: NewInviteBatch,
        response: { 202: BatchView },
      },
    },
    async (request, reply) => reply.status(202).send(await createBatch(deps, request.actor, request.params.workspaceId, request.body)),
  );

  app.get(
    '/workspaces/:workspaceId/invite-batches',
    {
      config: { access: 'invites:read' },
      schema: { tags, summary: 'List invite batches (generated and imported), newest first', params: WorkspaceParams, querystring: BatchQuery, response: { 200: PageOf(BatchView) } },
    },
    async (request) => {
      const limit = pageLimit(request.query);
      const rows = await listBatches(deps, request.params.workspaceId, { state: request.query.state, kind: request.query.kind, before: decodeCursor(request.query.cursor), limit: limit + 1 });
      return toPage(rows, limit, presentBatch);
    },
  );

  app.get(
    '/workspaces/:workspaceId/invite-batches/:batchId',
    {
      config: { access: 'invites:read' },
      schema: { tags, summary: "An invite batch and its progress (generated of total, state)", description: 'Its codes: GET …/invites?batchId=, or the file from GET …/invite-batches/{batchId}/export.', params: BatchParams, response: { 200: BatchView } },
    },
    async (request) => presentBatch(await mustFindBatch(deps.db.kysely, request.params.workspaceId, request.params.batchId)),
  );

  app.post(
    '/workspaces/:workspaceId/invite-batches/:batchId/cancel',
    {
      config: { access: 'invites:manage' },
      schema: {
        tags,
        summary: 'Cancel a queued or running batch',
        description: 'Generation stops before its next chunk; the codes made so far stay active (export or revoke them). Cancelling a cancelled batch changes nothing; a done or failed one is refused with 409 invite_batch_finished. Audited. The body may be omitted.',
        params: BatchParams,
        body: Type.Object({}, { additionalProperties: false }),
        response: { 200: BatchView },
      },
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => cancelBatch(deps, request.actor, request.params.workspaceId, request.params.batchId),
  );
}
