import { createHash } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { unsupportedMediaType } from '../../http/problems.ts';
import { WorkspaceParams } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { BatchView } from './batch-schema.ts';
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, importInvites } from './import.ts';

const CsvBody = Type.Unsafe<Buffer>({
  content: {
    'text/csv': {
      // No type: the body reaches validation as the uploaded bytes; importInvites reads them.
      schema: { format: 'binary', description: 'A UTF-8 CSV with the column names on line 1' },
    },
  },
});

/**
 * An Idempotency-Key request is fingerprinted by its body as JSON, which for a file would be
 * millions of byte values (5 MiB takes the event loop ~0.4 s): the upload stands in by its digest.
 */
function fingerprinted(file: Buffer): Buffer {
  const sha256 = createHash('sha256').update(file).digest('hex');
  return Object.defineProperty(file, 'toJSON', { value: () => ({ sha256 }) });
}

export async function inviteImportRoutes(app: AppInstance, deps: Deps): Promise<void> {
  await app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    // Only this route reads CSV, and as bytes: the importer itself checks the encoding.
    scope.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: IMPORT_MAX_BYTES }, (_request, body, done) => done(null, fingerprinted(body as Buffer)));
    scope.post(
      '/workspaces/:workspaceId/invites/import',
      {
        config: { access: 'invites:manage', idempotent: true, bodyType: 'text/csv' },
        schema: {
          tags: ['Invite codes'],
          summary: 'Import invite codes from a CSV file, all or nothing',
          description: `Send the file as the body with Content-Type text/csv (UTF-8, comma-separated, up to ${IMPORT_MAX_BYTES / 1024 / 1024} MiB and ${IMPORT_MAX_ROWS.toLocaleString('en')} rows). A file is one batch, so it may also hold at most the plan's inviteCodesPerBatch rows (free 1,000, pro 100,000 by default): a longer file is refused whole, before its rows are checked, with 422 invalid_csv (reason too_many_rows; rows: the file's; maxRows: the limit; limit { name: inviteCodesPerBatch, value, plan }). Columns by the export's English or Chinese headers: code (required; the workspace's format with a valid check character), owner ID (required), owner type (member or user; default user), owner name, purpose (default referral), campaign ID, routing (agent:NAME or queue:NAME), tags (key=value; …), max uses (default 1; unlimited), expires at (blank: never), link suffix; other columns are ignored. Any problem — a bad cell, a code twice in the file or already in the workspace, an unknown member or campaign, a suffix in use — refuses the whole file with 422 invalid_csv and rowErrors [{ line, column, message }]; nothing is written. Otherwise every code is created as one import batch (origin import) with one invite.batch_completed event; 201 with the batch. Honours Idempotency-Key: a retried upload with the same key and file gets the first answer again (idempotent-replayed: true) and imports nothing twice; the same key with another file is 422 idempotency_key_reused.`,
          params: WorkspaceParams,
          body: CsvBody,
          response: { 201: BatchView },
        },
      },
      async (request, reply) => {
        // A JSON body is parsed before the route sees it; only the CSV parser gives a Buffer.
        if (!Buffer.isBuffer(request.body)) throw unsupportedMediaType(request);
        return reply.status(201).send(await importInvites(deps, request.actor, request.params.workspaceId, request.body));
      },
    );
  });
}
