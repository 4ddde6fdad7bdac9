import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { decodeCursor, PagedQuery, pageLimit, PageOf, toPage } from '../../http/pagination.ts';
import { Timestamp, WorkspaceParams } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { toIso } from '../../clock.ts';
import { findAudit } from './repository.ts';

const AuditEntry = Type.Object({
  id: Type.String(),
  actorType: Type.Union([Type.Literal('staff'), Type.Literal('api_key'), Type.Literal('system')]),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorLabel: Type.String(),
  action: Type.String(),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  ip: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
});

const AuditQuery = PagedQuery({
  action: Type.Optional(Type.String({ maxLength: 100 })),
  actorId: Type.Optional(Type.String({ maxLength: 100 })),
  targetType: Type.Optional(Type.String({ maxLength: 100 })),
  since: Type.Optional(Type.String({ format: 'date-time', description: 'Only entries at or after this time' })),
  until: Type.Optional(Type.String({ format: 'date-time', description: 'Only entries before this time' })),
});

export async function auditRoutes(app: AppInstance, deps: Deps): Promise<void> {
  app.get(
    '/workspaces/:workspaceId/audit-log',
    {
      config: { access: 'audit:read' },
      schema: { tags: ['Audit log'], summary: 'Every change by staff or API keys, newest first', params: WorkspaceParams, querystring: AuditQuery, response: { 200: PageOf(AuditEntry) } },
    },
    async (request) => {
      const { query } = request;
      const limit = pageLimit(query);
      const rows = await findAudit(deps.db.kysely, {
        workspaceId: request.params.workspaceId,
        action: query.action,
        actorId: query.actorId,
        targetType: query.targetType,
        since: query.since ? Date.parse(query.since) : undefined,
        until: query.until ? Date.parse(query.until) : undefined,
        before: decodeCursor(query.cursor),
        limit: limit + 1,
      });
      return toPage(rows, limit, (row) => ({
        id: row.id,
        actorType: row.actor_type as 'staff' | 'api_key' | 'system',
        actorId: row.actor_id,
        actorLabel: row.actor_label,
        action: row.action,
        targetType: row.target_type,
        targetId: row.target_id,
        details: JSON.parse(row.details) as Record<string, unknown>,
        ip: row.ip,
        requestId: row.request_id,
        createdAt: toIso(row.created_at),
      }));
    },
  );
}
