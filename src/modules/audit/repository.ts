import type { Executor } from '../../db/index.ts';
import { newId } from '../../ids.ts';
import type { Actor } from './actor.ts';

export interface AuditEntry {
  workspaceId: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

export interface AuditFilter {
  workspaceId: string;
  action?: string;
  actorId?: string;
  targetType?: string;
  since?: number;
  until?: number;
  before?: string;
  limit: number;
}

export async function insertAudit(db: Executor, actor: Actor, entry: AuditEntry, now: number): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: newId(now),
      workspace_id: entry.workspaceId,
      actor_type: actor.type,
      actor_id: actor.id,
      actor_label: actor.label,
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId ?? null,
      details: JSON.stringify(entry.details ?? {}),
      ip: actor.ip,
      request_id: actor.requestId,
      created_at: now,
    })
    .execute();
}

export async function findAudit(db: Executor, filter: AuditFilter) {
  let query = db.selectFrom('audit_log').selectAll().where('workspace_id', '=', filter.workspaceId);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.actorId) query = query.where('actor_id', '=', filter.actorId);
  if (filter.targetType) query = query.where('target_type', '=', filter.targetType);
  if (filter.since !== undefined) query = query.where('created_at', '>=', filter.since);
  if (filter.until !== undefined) query = query.where('created_at', '<', filter.until);
  if (filter.before) query = query.where('id', '<', filter.before);
  return query.orderBy('id', 'desc').limit(filter.limit).execute();
}
