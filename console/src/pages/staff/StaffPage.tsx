import { UserAddOutlined } from '@ant-design/icons';
import { Button, Card, Space } from 'antd';
import { useState } from 'react';
import { api, workspacePath } from '../../api/client.ts';
import type { Invitation, Page, StaffMember } from '../../api/types.ts';
import { ErrorResult } from '../../components/ErrorResult.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { SecretModal } from '../../components/SecretModal.tsx';
import { useCursorList } from '../../hooks/useCursorList.ts';
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
  const staffPath = workspacePath(workspace.id, 'staff');
  const invitationsPath = workspacePath(workspace.id, 'invitations');
  const staff = useCursorList(staffPath, (cursor) => api.get<Page<StaffMember>>(staffPath, { cursor, limit: 50 }));
  const invitations = useCursorList(invitationsPath, (cursor) =>
    api.get<Page<Invitation>>(invitationsPath, { cursor, limit: 50 }),
  );
  const [inviting, setInviting] = useState(false);
  const [acceptUrl, setAcceptUrl] = useState<string | null>(null);

  if (staff.error) return <ErrorResult error={staff.error} onRetry={staff.reload} />;
  return (
    <>
      <PageHeader
        title={t('nav.staff')}
        extra={
          manage && (
            <Button type="primary" icon={<UserAddOutlined />} onClick={() => setInviting(true)} data-testid="invite-open">
              {t('staff.invite')}
            </Button>
          )
        }
      />
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Card title={t('staff.members')}>
          <StaffTable list={staff} manage={manage} />
        </Card>
        <Card title={t('staff.invitations')}>
          {invitations.error ? (
            <ErrorResult error={invitations.error} onRetry={invitations.reload} />
          ) : (
            <InvitationsTable list={invitations} manage={manage} />
          )}
        </Card>
      </Space>
      <InviteModal
        open={inviting}
        onClose={() => setInviting(false)}
        onInvited={(url) => {
          setInviting(false);
          setAcceptUrl(url);
          invitations.reload();
        }}
      />
      <SecretModal
        title={t('staff.invitationCreated')}
        value={acceptUrl}
        warning={t('staff.acceptUrlOnce')}
        onClose={() => setAcceptUrl(null)}
      />
    </>
  );
}
