import { api, workspacePath } from '../../api/client.ts';
import type { RewardSettings } from '../../api/types.ts';
import { useResource } from '../../hooks/useResource.ts';
import { useWorkspace } from '../../workspace.ts';

/** The workspace's reward settings: the currency every amount is in, depth, holding period, referral rules. */
export function useRewardSettings() {
  const workspace = useWorkspace();
  const path = workspacePath(workspace.id, 'reward-settings');
  return useResource(path, () => api.get<RewardSettings>(path));
}
