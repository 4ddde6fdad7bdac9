import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { decodeCursor, PageOf, pageLimit, PageQuery, toPage } from '../../http/pagination.ts';
import { Id, NoContent, WorkspaceAnd, WorkspaceParams } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { addEntry, removeEntry, reorderEntries, updateEntry } from './entries.ts';
import { MAX_QR_IMAGE_BYTES } from './qr-image.ts';
import { QR_UPLOAD_BODY_LIMIT } from './qr-upload.ts';
import { EntryChanges, EntryOrder, EntryView, LiveCodeChanges, LiveCodeView, NewEntry, NewLiveCode } from './schema.ts';
import { createLiveCode, getLiveCode, listLiveCodes, updateLiveCode } from './service.ts';

const tags = ['Live codes'];
const LiveCodeParams = WorkspaceAnd('liveCodeId');
const EntryParams = Type.Object({ workspaceId: Id, liveCodeId: Id, entryId: Id }, { additionalProperties: false });

/**
 * Live codes (活码): one permanent code routing to a pool of entries. The code itself (QR, poster,
 * reset, rotation, revoke with blast radius, stats, caps, password, tags) lives at /codes/{id}.
 */
export async function liveCodeRoutes(app: AppInstance, deps: Deps): Promise<void> {
  app.get(
    '/workspaces/:workspaceId/live-codes',
    { config: { access: 'codes:read' }, schema: { tags, summary: 'List live codes with their pools, newest first', params: WorkspaceParams, querystring: PageQuery, response: { 200: PageOf(LiveCodeView) } } },
    async (request) => {
      const limit = pageLimit(request.query);
      const views = await listLiveCodes(deps, request.params.workspaceId, { before: decodeCursor(request.query.cursor), limit: limit + 1 });
      return toPage(views, limit, (view) => view);
    },
  );

  app.post(
    '/workspaces/:workspaceId/live-codes',
    {
      config: { access: 'codes:manage', idempotent: true },
      schema: {
        tags,
        summary: 'Create a live code (活码) for a pool of groups',
        description:
          'A live code is permanent on every plan (one printed QR outlives the groups behind it); scan caps, password, window, rotation and tags work as for join codes. `groups` starts the pool with hosted groups; add external groups\' QR images or join links with POST …/entries. A `template` lets a full hosted pool create its next numbered group. Contradictory rules are refused with 422 contradictory_pool_rules (nearest routing with entries lacking a location, or with a template; a template capacity above the plan; admins who are not staff; external or archived groups; a threshold or validity below 1); the same group twice, 409 duplicate_entry.',
        params: WorkspaceParams,
        body: NewLiveCode,
        response: { 201: LiveCodeView },
      },
    },
    async (request, reply) => reply.status(201).send(await createLiveCode(deps, request.actor, request.params.workspaceId, request.body)),
  );

  app.get(
    '/workspaces/:workspaceId/live-codes/:liveCodeId',
    {
      config: { access: 'codes:read' },
      schema: {
        tags,
        summary: 'A live code with every entry and its state',
        description: 'Each entry says whether it is usable now and, if not, why (paused, retired, group_archived, group_full, threshold_reached, expired), with its scans against its threshold, its expiry, and for hosted groups the members against capacity.',
        params: LiveCodeParams,
        response: { 200: LiveCodeView },
      },
    },
    async (request) => getLiveCode(deps, request.params.workspaceId, request.params.liveCodeId),
  );

  app.patch(
    '/workspaces/:workspaceId/live-codes/:liveCodeId',
    {
      config: { access: 'codes:manage' },
      schema: {
        tags,
        summary: "Change a live code's routing rule, template or entry defaults",
        description: 'Name, status (pause/resume), caps, password and tags are edited at PATCH /codes/{id}. Contradictory rules: 422 contradictory_pool_rules.',
        params: LiveCodeParams,
        body: LiveCodeChanges,
        response: { 200: LiveCodeView },
      },
    },
    async (request) => updateLiveCode(deps, request.actor, request.params.workspaceId, request.params.liveCodeId, request.body),
  );

  app.post(
    '/workspaces/:workspaceId/live-codes/:liveCodeId/entries',
    {
      config: { access: 'codes:manage', idempotent: true },
      bodyLimit: QR_UPLOAD_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Add a hosted group, an external group QR image, or a join URL to the pool',
        description: `Exactly one of groupId, image (a PNG or JPEG data: URL, at most ${MAX_QR_IMAGE_BYTES / 1024 / 1024} MiB and 16 megapixels, decoded now; the payload is stored) or url. Refusals: 422 not_an_image, 422 image_unreadable, 413 image_too_large, 422 no_qr_code, 409 duplicate_entry (the same group, or the same decoded payload or URL as another entry), 422 contradictory_pool_rules. Link entries take the pool's scanThreshold and entryValidityHours unless given.`,
        params: LiveCodeParams,
        body: NewEntry,
        response: { 201: EntryView },
      },
    },
    async (request, reply) => reply.status(201).send(await addEntry(deps, request.actor, request.params.workspaceId, request.params.liveCodeId, request.body)),
  );

  app.patch(
    '/workspaces/:workspaceId/live-codes/:liveCodeId/entries/:entryId',
    {
      config: { access: 'codes:manage' },
      schema: { tags, summary: 'Edit, pause, resume or bring back an entry', params: EntryParams, body: EntryChanges, response: { 200: EntryView } },
    },
    async (request) => updateEntry(deps, request.actor, request.params.workspaceId, request.params.liveCodeId, request.params.entryId, request.body),
  );

  app.delete(
    '/workspaces/:workspaceId/live-codes/:liveCodeId/entries/:entryId',
    { config: { access: 'codes:manage' }, schema: { tags, summary: 'Remove an entry from the pool', params: EntryParams, response: { 204: NoContent } } },
    async (request, reply) => {
      await removeEntry(deps, request.actor, request.params.workspaceId, request.params.liveCodeId, request.params.entryId);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/workspaces/:workspaceId/live-codes/:liveCodeId/entry-order',
    {
      config: { access: 'codes:manage' },
      schema: { tags, summary: "Set the pool's routing order", description: 'List every entry id once, first to last.', params: LiveCodeParams, body: EntryOrder, response: { 200: LiveCodeView } },
    },
    async (request) => reorderEntries(deps, request.actor, request.params.workspaceId, request.params.liveCodeId, request.body),
  );
}
