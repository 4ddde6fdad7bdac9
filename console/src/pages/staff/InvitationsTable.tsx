import { Button, Popconfirm, Table, Tag } from 'antd';
import type { TableColumnsType } from 'antd';
import { api, workspacePath } from '../../api/client.ts';
import type { Invitation, InvitationStatus } from '../../api/types.ts';
import { LoadMore } from '../../components/LoadMore.tsx';
import { useFeedback } from '../../feedback.ts';
import type { CursorList } from '../../hooks/useCursorList.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';

const statusColors: Record<InvitationStatus, string> = {
  pending: 'processing',
  accepted: 'success',
  revoked: 'default',
  expired: 'warning',
};

export function InvitationsTable({ list, manage }: { list: CursorList<Invitation>; manage: boolean }) {
  const { t, formatTime } = useI18n();
  const workspace = useWorkspace();
  const feedback = useFeedback();

  const revoke = async (invitation: Invitation) => {
    try {
      await api.delete(workspacePath(workspace.id, 'invitations', invitation.id));
      feedback.done(t('staff.invitationRevoked'));
      list.reload();
    } catch (error) {
      feedback.failed(error);
    }
  };

  const columns: TableColumnsType<Invitation> = [
    { title: t('common.email'), dataIndex: 'email', key: 'email' },
    { title: t('staff.role'), key: 'role', render: (_, i) => t(`role.${i.role}`) },
    {
      title: t('common.status'),
      key: 'status',
      render: (_, i) => <Tag color={statusColors[i.status]}>{t(`invitation.${i.status}`)}</Tag>,
    },
    { title: t('common.created'), key: 'created', render: (_, i) => formatTime(i.createdAt) },
    { title: t('staff.expires'), key: 'expires', render: (_, i) => formatTime(i.expiresAt) },
  ];
  if (manage) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      render: (_, i) =>
        i.status === 'pending' && (
          <Popconfirm title={t('staff.revokeInvitationConfirm', { email: i.email })} onConfirm={() => revoke(i)}>
            <Button size="small" danger>
              {t('action.revoke')}
            </Button>
          </Popconfirm>
        ),
    });
  }

  return (
    <>
      <Table rowKey="id" columns={columns} dataSource={list.items} loading={list.loading} pagination={false} />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} />
    </>
  );
}
