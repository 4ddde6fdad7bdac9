import { Type } from 'typebox';
import type { Deps } from '../deps.ts';
import { pingDatabase } from '../db/index.ts';
import { AppError } from '../errors.ts';
import type { AppInstance } from './types.ts';

const Status = Type.Object({ status: Type.String(), checks: Type.Optional(Type.Record(Type.String(), Type.String())) });

export async function healthRoutes(app: AppInstance, deps: Deps): Promise<void> {
  app.get(
    '/healthz',
    { config: { access: 'public' }, schema: { tags: ['Operations'], summary: 'The process is alive', security: [], response: { 200: Status } } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    { config: { access: 'public' }, schema: { tags: ['Operations'], summary: 'The database (and Redis, when configured) answer', security: [], response: { 200: Status } } },
    async () => {
      const checks: Record<string, string> = {};
      const failures: string[] = [];
      try {
        await pingDatabase(deps.db.kysely);
        checks.database = 'ok';
      } catch (error) {
        failures.push(`database: ${(error as Error).message}`);
      }
      if (deps.redis) {
        try {
          await deps.redis.ping();
          checks.redis = 'ok';
        } catch (error) {
          failures.push(`redis: ${(error as Error).message}`);
        }
      }
      if (failures.length > 0) throw new AppError('not_ready', failures.join('; '));
      return { status: 'ok', checks };
    },
  );
}
