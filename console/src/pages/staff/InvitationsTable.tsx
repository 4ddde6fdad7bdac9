import { Tag } from 'antd';
import type { TableColumnsType } from 'antd';
import { api, workspacePath } from '../../api/client.ts';
import type { Invitation, InvitationStatus } from '../../api/types.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { CursorTable } from '../../components/CursorTable.tsx';
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

  const revoke = (invitation: Invitation) =>
    feedback.run(() => api.delete(workspacePath(workspace.id, 'invitations', invitation.id)), t('staff.invitationRevoked'), list.reload);

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
  const actions = (i: Invitation) =>
    i.status === 'pending' && (
      <ConfirmButton confirm={t('staff.revokeInvitationConfirm', { email: i.email })} onConfirm={() => revoke(i)}>
        {t('action.revoke')}
      </ConfirmButton>
    );

  return <CursorTable list={list} columns={columns} actions={manage ? actions : undefined} />;
}
