import { Flex, Select, Space } from 'antd';
import { useNavigate } from 'react-router-dom';
import type { WorkspaceMembership } from '../api/types.ts';
import { CreateWorkspaceModal } from '../components/CreateWorkspaceModal.tsx';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { useI18n } from '../I18nProvider.tsx';
import { canOpen, type Section } from '../permissions.ts';
import { useSignedIn } from '../session.tsx';
import { UserMenu } from './UserMenu.tsx';

/** Workspace switcher and "create workspace" on the left; language and the user menu on the right. */
export function AppHeader({ workspace, section }: { workspace: WorkspaceMembership; section: Section }) {
  const { t } = useI18n();
  const { workspaces } = useSignedIn();
  const navigate = useNavigate();

  const switchTo = (id: string) => {
    const target = workspaces.find((w) => w.id === id);
    if (!target) return;
    // Stay on the same page in the other workspace when the role there allows it.
    navigate(`/w/${id}/${canOpen(target.role, section) ? section : 'overview'}`);
  };

  return (
    <Flex justify="space-between" align="center" style={{ height: '100%' }} gap={16}>
      <Space>
        <Select
          value={workspace.id}
          onChange={switchTo}
          options={workspaces.map((w) => ({ value: w.id, label: w.name }))}
          showSearch={{ optionFilterProp: 'label' }}
          aria-label={t('workspace.switch')}
          data-testid="workspace-switcher"
          style={{ minWidth: 220 }}
        />
        <CreateWorkspaceModal />
      </Space>
      <Space>
        <LanguageSwitch />
        <UserMenu />
      </Space>
    </Flex>
  );
}
