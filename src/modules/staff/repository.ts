import type { Dialect, Executor } from '../../db/index.ts';

export function findStaffByEmail(db: Executor, email: string) {
  return db.selectFrom('staff').selectAll().where('email', '=', email).executeTakeFirst();
}

export function findStaffById(db: Executor, id: string) {
  return db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findMembership(db: Executor, workspaceId: string, staffId: string) {
  return db
    .selectFrom('memberships')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('staff_id', '=', staffId)
    .executeTakeFirst();
}

export function listMemberships(db: Executor, workspaceId: string, before: string | undefined, limit: number) {
  let query = db
    .selectFrom('memberships')
    .innerJoin('staff', 'staff.id', 'memberships.staff_id')
    .select(['staff.id as id', 'staff.email', 'staff.display_name', 'memberships.role', 'memberships.created_at'])
    .where('memberships.workspace_id', '=', workspaceId);
  if (before) query = query.where('staff.id', '<', before);
  return query.orderBy('staff.id', 'desc').limit(limit).execute();
}

export async function countOwners(db: Executor, workspaceId: string): Promise<number> {
  const row = await db
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function findSession(db: Executor, id: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('staff', 'staff.id', 'sessions.staff_id')
    .select([
      'sessions.id',
      'sessions.staff_id',
      'sessions.csrf_token',
      'sessions.expires_at',
      'sessions.last_seen_at',
      'staff.email',
      'staff.display_name',
    ])
    .where('sessions.id', '=', id)
    .executeTakeFirst();
}

/**
 * Serializes staff changes of one workspace until the transaction ends, so two owners demoting
 * each other at once cannot both pass the last-owner check. SQLite runs one transaction at a time
 * already; PostgreSQL needs the row lock.
 */
export async function lockWorkspaceStaff(tx: Executor, dialect: Dialect, workspaceId: string): Promise<void> {
  if (dialect !== 'postgres') return;
  await tx.selectFrom('workspaces').select('id').where('id', '=', workspaceId).forUpdate().execute();
}
