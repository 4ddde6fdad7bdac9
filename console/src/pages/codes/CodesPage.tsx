import { PlusOutlined } from '@ant-design/icons';
import { Button, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { Link, useNavigate } from 'react-router-dom';
import { workspacePath } from '../../api/client.ts';
import type { JoinCode } from '../../api/types.ts';
import { CursorTable } from '../../components/CursorTable.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useFeedback } from '../../feedback.ts';
import { useApiList } from '../../hooks/useCursorList.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { canManageCodes } from '../../permissions.ts';
import { useWorkspace } from '../../workspace.ts';
import { CodeFormModal } from './CodeFormModal.tsx';
import { CodeStateTag } from './CodeState.tsx';
import { useGroups, usePlanLimits } from './useGroups.ts';

export default function CodesPage() {
  const { t, formatTime } = useI18n();
  const workspace = useWorkspace();
  const navigate = useNavigate();
  const feedback = useFeedback();
  // Live codes have their own page, with their pool.
  const codes = useApiList<JoinCode>(workspacePath(workspace.id, 'codes'), { kind: 'group' });
  const groups = useGroups(workspace.id);
  const limits = usePlanLimits(workspace.id);
  const groupName = new Map((groups.data?.items ?? []).map((g) => [g.id, g.name]));

  const columns: TableColumnsType<JoinCode> = [
    {
      title: t('common.name'),
      key: 'name',
      render: (_, c) => (
        <Link to={`/w/${workspace.id}/codes/${c.id}`} data-testid={`code-link-${c.id}`}>
          {c.name}
        </Link>
      ),
    },
    { title: t('codes.group'), key: 'group', render: (_, c) => (c.groupId && groupName.get(c.groupId)) ?? <Typography.Text type="secondary">{c.groupId}</Typography.Text> },
    { title: t('codes.state'), key: 'state', render: (_, c) => <CodeStateTag state={c.state} /> },
    { title: t('codes.expires'), key: 'expires', render: (_, c) => (c.expiresAt ? formatTime(c.expiresAt) : t('codes.never')) },
    {
      title: t('codes.scansTodayTotal'),
      key: 'scans',
      render: (_, c) => (
        <span style={{ whiteSpace: 'nowrap' }}>
          {c.scansToday}
          {c.scansPerDayCap !== null && <Typography.Text type="secondary"> / {c.scansPerDayCap}</Typography.Text>} · {c.scansTotal}
        </span>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.codes')}
        extra={
          canManageCodes(workspace.role) &&
          // The form's defaults follow the plan's limits: offer it once they are known.
          (!limits || !groups.data ? (
            <Button type="primary" icon={<PlusOutlined />} loading={!groups.error} disabled>
              {t('codes.create')}
            </Button>
          ) : (
            <CodeFormModal
              limits={limits}
              groups={groups.data?.items ?? []}
              onSaved={(code) => {
                feedback.done(t('codes.saved'));
                navigate(`/w/${workspace.id}/codes/${code.id}`);
              }}
            />
          ))
        }
      />
      <CursorTable list={codes} columns={columns} />
    </>
  );
}
