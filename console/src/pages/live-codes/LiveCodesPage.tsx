import { Space, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { Link, useNavigate } from 'react-router-dom';
import { workspacePath } from '../../api/client.ts';
import type { LiveCode } from '../../api/types.ts';
import { CursorTable } from '../../components/CursorTable.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useFeedback } from '../../feedback.ts';
import { useApiList } from '../../hooks/useCursorList.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { canManageCodes } from '../../permissions.ts';
import { useWorkspace } from '../../workspace.ts';
import { CodeStateTag } from '../codes/CodeState.tsx';
import { usePlanLimits } from '../codes/useGroups.ts';
import { LiveCodeFormModal } from './LiveCodeFormModal.tsx';
import { PoolStateTag } from './PoolTags.tsx';

/** Live codes (活码): one permanent code each, routed over a pool of groups, QR images and links. */
export default function LiveCodesPage() {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const navigate = useNavigate();
  const feedback = useFeedback();
  const liveCodes = useApiList<LiveCode>(workspacePath(workspace.id, 'live-codes'));
  const limits = usePlanLimits(workspace.id);

  const columns: TableColumnsType<LiveCode> = [
    {
      title: t('common.name'),
      key: 'name',
      render: (_, l) => (
        <Space direction="vertical" size={0}>
          <Link to={`/w/${workspace.id}/live-codes/${l.id}`} data-testid={`live-code-link-${l.id}`}>
            {l.name}
          </Link>
          {l.template && <Typography.Text type="secondary">{t('liveCodes.autoCreates', { pattern: l.template.namePattern })}</Typography.Text>}
        </Space>
      ),
    },
    { title: t('liveCodes.rule'), key: 'rule', render: (_, l) => <Tag>{t(`liveCodes.rule.${l.rule}`)}</Tag> },
    { title: t('liveCodes.entries'), key: 'entries', render: (_, l) => l.entries.length },
    {
      title: t('liveCodes.usableEntries'),
      key: 'usable',
      render: (_, l) => (
        <Space data-testid={`live-code-pool-${l.id}`}>
          {l.usableEntries}
          <PoolStateTag state={l.poolState} />
        </Space>
      ),
    },
    { title: t('codes.state'), key: 'state', render: (_, l) => <CodeStateTag state={l.code.state} /> },
    {
      title: t('codes.scansTodayTotal'),
      key: 'scans',
      render: (_, l) => (
        <span style={{ whiteSpace: 'nowrap' }}>
          {l.code.scansToday} · {l.code.scansTotal}
        </span>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.live-codes')}
        extra={
          canManageCodes(workspace.role) && (
            <LiveCodeFormModal
              limits={limits}
              onSaved={(created) => {
                feedback.done(t('liveCodes.saved'));
                navigate(`/w/${workspace.id}/live-codes/${created.id}`);
              }}
            />
          )
        }
      />
      <Typography.Paragraph type="secondary">{t('liveCodes.intro')}</Typography.Paragraph>
      <CursorTable list={liveCodes} columns={columns} />
    </>
  );
}
