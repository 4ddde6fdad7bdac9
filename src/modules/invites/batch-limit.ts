import type { PlanName } from '../workspaces/plans.ts';
import type { WorkspaceView } from '../workspaces/service.ts';

/** The plan limit a refusal names in its problem's `limit`. */
export interface BatchLimit {
  name: 'inviteCodesPerBatch';
  value: number;
  plan: PlanName;
}

/**
 * The plan's inviteCodesPerBatch, the most codes one batch may make: a generated batch's count
 * and an imported file's rows alike, so importing cannot make more codes than the plan lets a
 * batch generate. Says why `count` is too many (a phrase that follows "N ") and which limit
 * applies, or null when it is within the limit; the caller throws its own problem around it.
 */
export function overBatchLimit(workspace: Pick<WorkspaceView, 'plan' | 'limits'>, count: number): { message: string; limit: BatchLimit } | null {
  const cap = workspace.limits.inviteCodesPerBatch;
  if (count <= cap) return null;
  return {
    message: `is more than ${cap}, the most codes one batch may generate on this workspace's plan (${workspace.plan}; limit inviteCodesPerBatch)`,
    limit: { name: 'inviteCodesPerBatch', value: cap, plan: workspace.plan },
  };
}
