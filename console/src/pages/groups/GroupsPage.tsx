import { Button, Progress, Space, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { api, workspacePath } from '../../api/client.ts';
import type { Group, Workspace } from '../../api/types.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { CursorTable } from '../../components/CursorTable.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useFeedback } from '../../feedback.ts';
import { useApiList } from '../../hooks/useCursorList.ts';
import { useResource } from '../../hooks/useResource.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { canManageGroups } from '../../permissions.ts';
import { useWorkspace } from '../../workspace.ts';
import { GroupFormModal } from './GroupFormModal.tsx';

export default function GroupsPage() {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const feedback = useFeedback();
  const groups = useApiList<Group>(workspacePath(workspace.id, 'groups'));
  const details = useResource(workspacePath(workspace.id), () => api.get<Workspace>(workspacePath(workspace.id)));
  const memberCap = details.data?.limits.memberCapPerGroup;
  const [editing, setEditing] = useState<Group | null>(null);
  const manage = canManageGroups(workspace.role);

  const setStatus = (group: Group, status: Group['status']) =>
    feedback.run(() => api.patch(workspacePath(workspace.id, 'groups', group.id), { status }), t(status === 'archived' ? 'groups.archived' : 'groups.restored'), groups.reload);

  const columns: TableColumnsType<Group> = [
    { title: t('groups.kind'), key: 'kind', render: (_, g) => <Tag color={g.kind === 'hosted' ? 'blue' : 'purple'}>{t(`groups.kind.${g.kind}`)}</Tag> },
    {
      title: t('common.name'),
      key: 'name',
      render: (_, g) => (
        <Space direction="vertical" size={0}>
          <Typography.Text strong>{g.name}</Typography.Text>
          {g.valueStatement && <Typography.Text type="secondary">{g.valueStatement}</Typography.Text>}
          {g.platform && <Typography.Text type="secondary">{t(`platform.${g.platform}`)}</Typography.Text>}
        </Space>
      ),
    },
    {
      title: t('groups.members'),
      key: 'members',
      render: (_, g) => (
        <div style={{ minWidth: 160 }} data-testid={`group-members-${g.id}`}>
          <Typography.Text>{t('groups.membersOf', { count: g.memberCount, capacity: g.capacity })}</Typography.Text>
          <Progress percent={Math.min(100, Math.round((g.memberCount / Math.max(1, g.capacity)) * 100))} size="small" status={g.memberCount >= g.capacity ? 'exception' : 'normal'} />
        </div>
      ),
    },
    { title: t('common.status'), key: 'status', render: (_, g) => <Tag color={g.status === 'active' ? 'success' : 'default'}>{t(`groups.status.${g.status}`)}</Tag> },
  ];
  const actions = (g: Group) => (
    <Space>
      <Button size="small" onClick={() => setEditing(g)} data-testid={`group-edit-${g.id}`}>
        {t('action.edit')}
      </Button>
      {g.status === 'active' ? (
        <ConfirmButton confirm={t('groups.archiveConfirm', { name: g.name })} onConfirm={() => setStatus(g, 'archived')} testId={`group-archive-${g.id}`}>
          {t('groups.archive')}
        </ConfirmButton>
      ) : (
        <Button size="small" onClick={() => void setStatus(g, 'active')} data-testid={`group-restore-${g.id}`}>
          {t('groups.restore')}
        </Button>
      )}
    </Space>
  );
  const saved = () => {
    feedback.done(t('groups.saved'));
    groups.reload();
  };

  return (
    <>
      <PageHeader title={t('nav.groups')} extra={manage && <GroupFormModal memberCap={memberCap} onSaved={saved} />} />
      <CursorTable list={groups} columns={columns} actions={manage ? actions : undefined} />
      {editing && <GroupFormModal group={editing} open onClose={() => setEditing(null)} memberCap={memberCap} onSaved={saved} />}
    </>
  );
}
