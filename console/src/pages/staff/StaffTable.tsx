import { Button, Popconfirm, Select, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { api, workspacePath } from '../../api/client.ts';
import type { Role, StaffMember } from '../../api/types.ts';
import { LoadMore } from '../../components/LoadMore.tsx';
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

  const changeRole = async (member: StaffMember, role: Role) => {
    try {
      await api.patch(workspacePath(workspace.id, 'staff', member.staffId), { role });
      feedback.done(t('staff.roleChanged'));
    } catch (error) {
      feedback.failed(error);
    }
    list.reload();
  };

  const remove = async (member: StaffMember) => {
    try {
      await api.delete(workspacePath(workspace.id, 'staff', member.staffId));
      feedback.done(t('staff.removed'));
      list.reload();
    } catch (error) {
      feedback.failed(error);
    }
  };

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
  if (manage) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      render: (_, m) =>
        m.staffId !== me.id && (
          <Popconfirm title={t('staff.removeConfirm', { name: m.displayName })} onConfirm={() => remove(m)}>
            <Button danger size="small">
              {t('action.remove')}
            </Button>
          </Popconfirm>
        ),
    });
  }

  return (
    <>
      <Table rowKey="staffId" columns={columns} dataSource={list.items} loading={list.loading} pagination={false} />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} />
    </>
  );
}
