import { createContext, useContext } from 'react';
import type { WorkspaceMembership } from './api/types.ts';

/** The workspace named in the URL, with the signed-in staff member's role in it. */
export const WorkspaceContext = createContext<WorkspaceMembership | null>(null);

export function useWorkspace(): WorkspaceMembership {
  const workspace = useContext(WorkspaceContext);
  if (!workspace) throw new Error('useWorkspace outside a workspace route');
  return workspace;
}
