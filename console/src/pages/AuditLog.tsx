import { Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { workspacePath } from '../api/client.ts';
import type { AuditEntry } from '../api/types.ts';
import { CursorTable } from '../components/CursorTable.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useApiList } from '../hooks/useCursorList.ts';
import { useI18n } from '../I18nProvider.tsx';
import { useWorkspace } from '../workspace.ts';
import { AuditFilters, type AuditFilter } from './AuditFilters.tsx';

export default function AuditLog() {
  const { t, formatTime } = useI18n();
  const workspace = useWorkspace();
  const [filter, setFilter] = useState<AuditFilter>({});
  const entries = useApiList<AuditEntry>(workspacePath(workspace.id, 'audit-log'), filter);

  const columns: TableColumnsType<AuditEntry> = [
    { title: t('audit.time'), key: 'time', render: (_, e) => <span style={{ whiteSpace: 'nowrap' }}>{formatTime(e.createdAt)}</span> },
    {
      title: t('audit.actor'),
      key: 'actor',
      render: (_, e) => (
        <>
          <Tag>{t(`audit.actorType.${e.actorType}`)}</Tag>
          {e.actorLabel ?? e.actorId}
        </>
      ),
    },
    { title: t('audit.action'), key: 'action', render: (_, e) => <Typography.Text code>{e.action}</Typography.Text> },
    {
      title: t('audit.target'),
      key: 'target',
      render: (_, e) => e.targetType && `${e.targetType}${e.targetId ? ` · ${e.targetId}` : ''}`,
    },
    { title: t('audit.ip'), dataIndex: 'ip', key: 'ip' },
  ];

  return (
    <>
      <PageHeader title={t('nav.audit-log')} />
      <AuditFilters onChange={setFilter} />
      <CursorTable
        list={entries}
        columns={columns}
        size="middle"
        expandable={{
          expandedRowRender: (e) => (
            <>
              {e.requestId && (
                <Typography.Paragraph type="secondary">
                  {t('audit.requestId')}: <Typography.Text copyable>{e.requestId}</Typography.Text>
                </Typography.Paragraph>
              )}
              <pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{JSON.stringify(e.details, null, 2)}</pre>
            </>
          ),
        }}
      />
    </>
  );
}
