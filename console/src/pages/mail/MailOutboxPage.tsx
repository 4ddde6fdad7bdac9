import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { workspacePath } from '../../api/client.ts';
import type { Mail, MailStatus } from '../../api/types.ts';
import { CursorTable } from '../../components/CursorTable.tsx';
import { LinkifiedText } from '../../components/LinkifiedText.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useApiList } from '../../hooks/useCursorList.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';

const statusColors: Record<MailStatus, string> = { development: 'gold', queued: 'processing', sent: 'success', failed: 'error' };

/**
 * The mails joincode sent, or would have sent, on the workspace's behalf, newest first. Without
 * SMTP_URL nothing leaves the server, and this is where invitation links can be read.
 */
export default function MailOutboxPage() {
  const { t, formatTime } = useI18n();
  const workspace = useWorkspace();
  const mails = useApiList<Mail>(workspacePath(workspace.id, 'mail-outbox'));

  const columns: TableColumnsType<Mail> = [
    { title: t('mail.subject'), dataIndex: 'subject', key: 'subject' },
    { title: t('mail.to'), dataIndex: 'to', key: 'to' },
    {
      title: t('common.status'),
      key: 'status',
      render: (_, m) => <Tag color={statusColors[m.status]}>{t(`mail.status.${m.status}`)}</Tag>,
    },
    { title: t('common.created'), key: 'created', render: (_, m) => formatTime(m.createdAt) },
    { title: t('mail.sentAt'), key: 'sent', render: (_, m) => formatTime(m.sentAt) },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.mail-outbox')}
        extra={
          <Button icon={<ReloadOutlined />} onClick={mails.reload}>
            {t('action.refresh')}
          </Button>
        }
      />
      {mails.items.some((m) => m.status === 'development') && (
        <Alert
          type="warning"
          showIcon
          title={t('mail.developmentTitle')}
          description={t('mail.developmentHint')}
          style={{ marginBottom: 16 }}
          data-testid="mail-development-notice"
        />
      )}
      <CursorTable
        list={mails}
        columns={columns}
        expandable={{
          expandRowByClick: true,
          expandedRowRender: (m) => (
            <>
              {m.error && (
                <Typography.Paragraph type="danger">{t('mail.error', { error: m.error })}</Typography.Paragraph>
              )}
              <LinkifiedText text={m.text} />
            </>
          ),
        }}
        data-testid="mail-outbox"
      />
    </>
  );
}
