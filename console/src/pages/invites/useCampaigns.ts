import { api, workspacePath } from '../../api/client.ts';
import type { Campaign, Page } from '../../api/types.ts';
import { useResource } from '../../hooks/useResource.ts';
import { useWorkspace } from '../../workspace.ts';

/** The workspace's newest 200 campaigns: enough for pickers and for naming a code's campaign. */
export function useCampaigns() {
  const workspace = useWorkspace();
  const path = workspacePath(workspace.id, 'invite-campaigns');
  return useResource(`${path}#all`, () => api.get<Page<Campaign>>(path, { limit: 200 }));
}
