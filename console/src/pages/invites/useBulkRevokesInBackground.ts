import { useState } from 'react';
import { api, workspacePath } from '../../api/client.ts';
import type { BulkRevoke, Page } from '../../api/types.ts';
import { useResource } from '../../hooks/useResource.ts';
import { useWorkspace } from '../../workspace.ts';

/**
 * The bulk revokes running in the background that this page follows: those still queued or running
 * when the page opened (so a reload picks their progress up again) and those started since.
 */
export function useBulkRevokesInBackground() {
  const workspace = useWorkspace();
  const path = workspacePath(workspace.id, 'invite-bulk-revokes');
  const active = useResource(`${path}#active`, () => api.get<Page<BulkRevoke>>(path, { status: 'active', limit: 50 }));
  const [started, setStarted] = useState<BulkRevoke[]>([]);
  const [ended, setEnded] = useState<ReadonlySet<string>>(new Set());

  // A bulk revoke answered again (409: the same selection) may already be in the list: once each.
  const running = new Map<string, BulkRevoke>();
  for (const bulkRevoke of [...started, ...(active.data?.items ?? [])]) {
    if (!ended.has(bulkRevoke.id) && !running.has(bulkRevoke.id)) running.set(bulkRevoke.id, bulkRevoke);
  }
  return {
    running: [...running.values()],
    follow: (bulkRevoke: BulkRevoke) => setStarted((list) => [bulkRevoke, ...list]),
    ended: (bulkRevoke: BulkRevoke) => setEnded((ids) => new Set(ids).add(bulkRevoke.id)),
  };
}
