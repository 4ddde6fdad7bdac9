import { MenuOutlined } from '@ant-design/icons';
import { Button, Flex, Select, Space } from 'antd';
import { useNavigate } from 'react-router-dom';
import type { WorkspaceMembership } from '../api/types.ts';
import { CreateWorkspaceModal } from '../components/CreateWorkspaceModal.tsx';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { useI18n } from '../I18nProvider.tsx';
import { canOpen, type Section } from '../permissions.ts';
import { useSignedIn } from '../session.tsx';
import { UserMenu } from './UserMenu.tsx';

interface Props {
  workspace: WorkspaceMembership;
  section: Section;
  /** A phone's width: the menu button first, and the rest drawn smaller. */
  compact: boolean;
  onOpenMenu: () => void;
}

/** Workspace switcher and "create workspace" on the left; language and the user menu on the right. */
export function AppHeader({ workspace, section, compact, onOpenMenu }: Props) {
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
    <Flex justify="space-between" align="center" style={{ height: '100%' }} gap={compact ? 8 : 16}>
      <Space size={compact ? 4 : 8}>
        {compact && <Button type="text" icon={<MenuOutlined />} onClick={onOpenMenu} aria-label={t('nav.open')} data-testid="nav-open" />}
        <Select
          value={workspace.id}
          onChange={switchTo}
          options={workspaces.map((w) => ({ value: w.id, label: w.name }))}
          showSearch={{ optionFilterProp: 'label' }}
          aria-label={t('workspace.switch')}
          data-testid="workspace-switcher"
          style={compact ? { width: 130 } : { minWidth: 220 }}
        />
        <CreateWorkspaceModal iconOnly={compact} />
      </Space>
      <Space size={compact ? 0 : 8}>
        <LanguageSwitch compact={compact} />
        <UserMenu compact={compact} />
      </Space>
    </Flex>
  );
}
