import { Select, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { api, workspacePath } from '../../api/client.ts';
import type { Role, StaffMember } from '../../api/types.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { CursorTable } from '../../components/CursorTable.tsx';
import { useFeedback } from '../../feedback.ts';
import type { CursorList } from '../../hooks/useCursorList.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { ROLES } from '../../permissions.ts';
import { useSignedIn } from '../../session.tsx';
import { useWorkspace } from '../../workspace.ts';

/** The workspace's staff; owners change roles and remove people (never themselves, here). */
export function StaffTable({ list, manage }: { list: CursorList<StaffMember>; manage: boolean }) {
  const { t, formatTime } = useI18n();
  const workspace = useWorkspace();
  const { staff: me } = useSignedIn();
  const feedback = useFeedback();
  const memberPath = (member: StaffMember) => workspacePath(workspace.id, 'staff', member.staffId);

  const changeRole = (member: StaffMember, role: Role) =>
    feedback.run(() => api.patch(memberPath(member), { role }), t('staff.roleChanged'), list.reload);
  const remove = (member: StaffMember) => feedback.run(() => api.delete(memberPath(member)), t('staff.removed'), list.reload);

  const columns: TableColumnsType<StaffMember> = [
    {
      title: t('staff.person'),
      key: 'person',
      render: (_, m) => (
        <>
          <div>{m.displayName}</div>
          <Typography.Text type="secondary">{m.email}</Typography.Text>
        </>
      ),
    },
    {
      title: t('staff.role'),
      key: 'role',
      render: (_, m) =>
        manage && m.staffId !== me.id ? (
          <Select
            value={m.role}
            onChange={(role) => void changeRole(m, role)}
            options={ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }))}
            style={{ width: 140 }}
            aria-label={t('staff.role')}
          />
        ) : (
          <Tag>{t(`role.${m.role}`)}</Tag>
        ),
    },
    { title: t('staff.joined'), key: 'joined', render: (_, m) => formatTime(m.joinedAt) },
  ];
  const actions = (m: StaffMember) =>
    m.staffId !== me.id && (
      <ConfirmButton confirm={t('staff.removeConfirm', { name: m.displayName })} onConfirm={() => remove(m)}>
        {t('action.remove')}
      </ConfirmButton>
    );

  return <CursorTable list={list} columns={columns} actions={manage ? actions : undefined} rowKey="staffId" />;
}
