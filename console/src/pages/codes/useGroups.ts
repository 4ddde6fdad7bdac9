import { api, workspacePath } from '../../api/client.ts';
import type { Group, Page, Workspace } from '../../api/types.ts';
import { useResource } from '../../hooks/useResource.ts';

/** The workspace's groups (the newest 200: enough for a picker and for naming a code's group). */
export function useGroups(workspaceId: string) {
  const path = workspacePath(workspaceId, 'groups');
  return useResource(`${path}#all`, () => api.get<Page<Group>>(path, { limit: 200 }));
}

/** The workspace with its plan limits (validity, daily cap, members per group). */
export function usePlanLimits(workspaceId: string) {
  const path = workspacePath(workspaceId);
  return useResource(path, () => api.get<Workspace>(path)).data?.limits;
}
