import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { Name, Timestamp, WorkspaceParams } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { ROLES } from '../staff/permissions.ts';
import { PLAN_DEFAULTS, PLAN_NAMES, PlanLimits } from './plans.ts';
import { createWorkspace, findWorkspace, listWorkspacesOf, updateWorkspace } from './service.ts';

const PlanSchema = Type.Enum(PLAN_NAMES);
const Workspace = Type.Object({ id: Type.String(), name: Type.String(), plan: PlanSchema, limits: PlanLimits, createdAt: Timestamp, updatedAt: Timestamp });
const tags = ['Workspaces'];

export async function workspaceRoutes(app: AppInstance, deps: Deps): Promise<void> {
  app.get(
    '/plans',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The plans and their default limits',
        security: [],
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ plan: PlanSchema, limits: PlanLimits })) }) },
      },
    },
    async () => ({ items: PLAN_NAMES.map((plan) => ({ plan, limits: PLAN_DEFAULTS[plan] })) }),
  );

  app.get(
    '/workspaces',
    {
      config: { access: 'signed_in' },
      schema: {
        tags,
        summary: 'Workspaces you are on the staff of',
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), plan: PlanSchema, role: Type.Enum(ROLES), createdAt: Timestamp })),
            nextCursor: Type.Null(),
          }),
        },
      },
    },
    async (request) => {
      const staffId = request.actor.id!;
      const rows = await listWorkspacesOf(deps.db.kysely, staffId);
      return {
        items: rows.map((w) => ({ id: w.id, name: w.name, plan: w.plan as (typeof PLAN_NAMES)[number], role: w.role as (typeof ROLES)[number], createdAt: new Date(w.created_at).toISOString() })),
        nextCursor: null,
      };
    },
  );

  app.post(
    '/workspaces',
    {
      config: { access: 'signed_in', idempotent: true },
      schema: {
        tags,
        summary: 'Create a workspace (you become its owner)',
        body: Type.Object({ name: Name, plan: Type.Optional(PlanSchema) }, { additionalProperties: false }),
        response: { 201: Workspace },
      },
    },
    async (request, reply) => {
      const actor = { ...request.actor, id: request.actor.id! };
      const now = deps.clock.now();
      const workspace = await deps.db.kysely.transaction().execute((tx) => createWorkspace(tx, actor, request.body, now));
      return reply.status(201).send(workspace);
    },
  );

  app.get(
    '/workspaces/:workspaceId',
    { config: { access: 'workspace:read' }, schema: { tags, summary: 'A workspace with its plan and limits', params: WorkspaceParams, response: { 200: Workspace } } },
    async (request) => findWorkspace(deps.db.kysely, request.params.workspaceId),
  );

  app.patch(
    '/workspaces/:workspaceId',
    {
      config: { access: 'workspace:manage' },
      schema: {
        tags,
        summary: 'Rename, change plan or edit limits',
        description: "Changing the plan resets the limits to that plan's defaults; limits sent in the same request are applied on top.",
        params: WorkspaceParams,
        // Partial() drops additionalProperties: an unknown limit was accepted and stored.
        body: Type.Object({ name: Type.Optional(Name), plan: Type.Optional(PlanSchema), limits: Type.Optional(Type.Partial(PlanLimits, { additionalProperties: false })) }, { additionalProperties: false, minProperties: 1 }),
        response: { 200: Workspace },
      },
    },
    async (request) => {
      if (Object.keys(request.body).length === 0) throw new AppError('validation_failed', 'Nothing to change');
      return updateWorkspace(deps, request.actor, request.params.workspaceId, request.body);
    },
  );
}
