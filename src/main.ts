import { realpathSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { ask, readStdin } from './cli/prompt.ts';
import { ConfigError, DEFAULT_DATABASE_FILE, loadConfig, loadStorageConfig, SECRET_KEYS_FILE } from './config.ts';
import { BackupError, backupSqlite } from './db/backup.ts';
import { migrateToLatest, openDatabase } from './db/index.ts';
import { AppError, ERRORS } from './errors.ts';
import { checkOperatorInput, createOperator } from './modules/staff/accounts.ts';
import { PLAN_NAMES, type PlanName } from './modules/workspaces/plans.ts';
import { closeRuntime, openRuntime } from './runtime.ts';

function planOption(value: string): PlanName {
  if (!(PLAN_NAMES as readonly string[]).includes(value)) throw new InvalidArgumentError(`choose one of ${PLAN_NAMES.join(', ')}`);
  return value as PlanName;
}

async function start(): Promise<void> {
  // Only `start` needs the HTTP app; loading it for --help, migrate or create-operator cost them over a second.
  const { startServer } = await import('./server.ts');
  const server = await startServer(loadConfig());
  const shutdown = (signal: string) => {
    server.deps.logger.info({ signal }, 'shutting down');
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        server.deps.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

async function migrate(): Promise<void> {
  const config = loadConfig();
  const db = openDatabase(config.database);
  try {
    const applied = await migrateToLatest(db.kysely);
    console.log(applied.length > 0 ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
  } finally {
    await db.close();
  }
}

function backup(target: string): void {
  const result = backupSqlite(loadStorageConfig(), target);
  const megabytes = (result.databaseBytes / 1024 / 1024).toFixed(1);
  console.log(`Backed up the database (${megabytes} MiB, integrity checked) to ${path.join(result.directory, DEFAULT_DATABASE_FILE)}.`);
  if (result.keys === 'copied') console.log(`The key ring is in ${path.join(result.directory, SECRET_KEYS_FILE)}: keep it as secret as the database.`);
  else console.log('SECRET_KEYS comes from the environment and is not in the backup: keep it with the backup, or printed QR codes and issued tokens stop working after a restore.');
  console.log(`To restore: stop joincode; put ${DEFAULT_DATABASE_FILE} where DATABASE_URL points (by default DATA_DIR/${DEFAULT_DATABASE_FILE}) and delete that file's -wal and -shm; put ${SECRET_KEYS_FILE} in DATA_DIR; start joincode.`);
}

interface OperatorOptions {
  email?: string;
  name?: string;
  workspace?: string;
  plan?: PlanName;
  password?: string;
  passwordStdin?: boolean;
}

async function createOperatorCommand(options: OperatorOptions): Promise<void> {
  const interactive = process.stdin.isTTY === true;
  const need = async (value: string | undefined, question: string, flag: string) => {
    if (value) return value;
    if (!interactive) throw new InvalidArgumentError(`${flag} is required when not run in a terminal`);
    return ask(question);
  };
  const email = await need(options.email, 'Email: ', '--email');
  const displayName = await need(options.name, 'Your name: ', '--name');
  const workspaceName = await need(options.workspace, 'Workspace name: ', '--workspace');
  let password = options.password ?? (options.passwordStdin ? await readStdin() : undefined);
  if (!password) {
    if (!interactive) throw new InvalidArgumentError('--password or --password-stdin is required when not run in a terminal');
    password = await ask('Password (at least 10 characters): ', { hidden: true });
    if ((await ask('Repeat the password: ', { hidden: true })) !== password) throw new InvalidArgumentError('the passwords differ');
  }
  // Refuse a bad email or weak password before the data directory or database is touched.
  checkOperatorInput({ email, password });
  const deps = await openRuntime(loadConfig());
  try {
    const result = await createOperator(deps, { email, password, displayName, workspaceName, plan: options.plan });
    console.log(`Created operator ${email.trim().toLowerCase()} owning workspace "${result.workspace.name}" (${result.workspace.id}).`);
    console.log(`Sign in at ${deps.config.publicUrl}/console/`);
  } finally {
    await closeRuntime(deps);
  }
}

export function buildCli(): Command {
  const program = new Command('joincode')
    .description('Turn QR codes and invite codes into community members. Configured by environment variables (see README).')
    .showHelpAfterError();
  program.command('start').description('Run the service (migrates the database first)').action(start);
  program.command('migrate').description('Apply pending database migrations and exit').action(migrate);
  program
    .command('backup')
    .description('Copy the embedded SQLite database and its key ring into a new directory, consistently, even while the service runs')
    .argument('<directory>', 'a directory that does not exist yet, or is empty')
    .action(backup);
  program
    .command('create-operator')
    .description('Create a staff account that owns a new workspace; prompts for what is not given')
    .option('--email <email>', 'sign-in email')
    .option('--name <name>', 'display name')
    .option('--workspace <name>', 'name of the new workspace')
    .option('--plan <plan>', `plan of the new workspace (${PLAN_NAMES.join(', ')})`, planOption)
    .option('--password <password>', 'password (prefer --password-stdin: arguments show up in process lists)')
    .option('--password-stdin', 'read the password from standard input')
    .action(createOperatorCommand);
  return program;
}

/** Runs the CLI; configuration and input errors print one clear line and exit 1. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof InvalidArgumentError || error instanceof BackupError) {
      console.error(`joincode: ${error.message}`);
      process.exit(1);
    }
    if (error instanceof AppError) {
      // The title says what kind of problem ("The password is too weak"), the detail which one.
      const title = ERRORS[error.code].title;
      console.error(`joincode: ${error.detail ? `${title}: ${error.detail}` : title}`);
      process.exit(1);
    }
    // Anything else (the database unreachable, say): one line; the stack only when debugging.
    const message = error instanceof Error ? error.message : String(error);
    console.error(`joincode: ${message}`);
    if (process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace') console.error(error);
    process.exit(1);
  }
}

// Comparing URLs of the real path: a symlinked or space-containing path to this file must still run.
const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(realpathSync(entry)).href) await main(process.argv);
