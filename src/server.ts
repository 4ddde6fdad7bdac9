import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import type { Deps } from './deps.ts';
import { closeRuntime, openRuntime } from './runtime.ts';

export interface RunningServer {
  url: string;
  deps: Deps;
  /** Stops accepting, lets in-flight requests finish, flushes pending writes, closes the database. */
  stop(): Promise<void>;
}

async function hasStaff(deps: Deps): Promise<boolean> {
  return (await deps.db.kysely.selectFrom('staff').select('id').limit(1).executeTakeFirst()) !== undefined;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const deps = await openRuntime(config);
  const app = await buildApp(deps);
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  deps.logger.info({ url, publicUrl: config.publicUrl, database: config.database.dialect, redis: Boolean(config.redisUrl) }, 'joincode is listening');
  if (config.secretKeysGenerated) deps.logger.warn({ file: `${config.dataDir}/secret.keys` }, 'generated a new secret key ring; back it up with the database');
  if (!(await hasStaff(deps))) {
    process.stdout.write(
      `\njoincode is running at ${url} (console: ${url}/console/).\n` +
        'No operator exists yet. Create the first one with:\n\n' +
        '  npm run joincode -- create-operator\n\n' +
        '(or non-interactively: npm run joincode -- create-operator --email you@example.com --name "Your Name" --workspace "My community" --password-stdin)\n\n',
    );
  }
  let stopping: Promise<void> | null = null;
  return {
    url,
    deps,
    stop: () => {
      stopping ??= (async () => {
        await app.close();
        await closeRuntime(deps);
      })();
      return stopping;
    },
  };
}
