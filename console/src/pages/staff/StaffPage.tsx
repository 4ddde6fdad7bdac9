import { Card, Space } from 'antd';
import { workspacePath } from '../../api/client.ts';
import type { Invitation, StaffMember } from '../../api/types.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useSecretModal } from '../../components/SecretModal.tsx';
import { useApiList } from '../../hooks/useCursorList.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { canManageStaff } from '../../permissions.ts';
import { useWorkspace } from '../../workspace.ts';
import { InvitationsTable } from './InvitationsTable.tsx';
import { InviteModal } from './InviteModal.tsx';
import { StaffTable } from './StaffTable.tsx';

export default function StaffPage() {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const manage = canManageStaff(workspace.role);
  const staff = useApiList<StaffMember>(workspacePath(workspace.id, 'staff'));
  const invitations = useApiList<Invitation>(workspacePath(workspace.id, 'invitations'));
  const acceptUrl = useSecretModal(t('staff.invitationCreated'), t('staff.acceptUrlOnce'));

  const invited = (url: string) => {
    acceptUrl.show(url);
    invitations.reload();
  };

  return (
    <>
      <PageHeader title={t('nav.staff')} extra={manage && <InviteModal onInvited={invited} />} />
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Card title={t('staff.members')}>
          <StaffTable list={staff} manage={manage} />
        </Card>
        <Card title={t('staff.invitations')}>
          <InvitationsTable list={invitations} manage={manage} />
        </Card>
      </Space>
      {acceptUrl.modal}
    </>
  );
}
