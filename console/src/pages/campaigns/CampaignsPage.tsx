import { Button, Space, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, workspacePath } from '../../api/client.ts';
import type { Campaign } from '../../api/types.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { CursorTable } from '../../components/CursorTable.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useFeedback } from '../../feedback.ts';
import { useApiList } from '../../hooks/useCursorList.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { canManageInvites } from '../../permissions.ts';
import { useWorkspace } from '../../workspace.ts';
import { CampaignFormModal } from './CampaignFormModal.tsx';
import { CampaignStatusTag } from './CampaignStatusTag.tsx';

/** Invite campaigns (活动): dates, status and the per-redeemer limit; each has a page with its reward rules, leaderboard and funnel. */
export default function CampaignsPage() {
  const { t, formatTime } = useI18n();
  const workspace = useWorkspace();
  const feedback = useFeedback();
  const manage = canManageInvites(workspace.role);
  const campaigns = useApiList<Campaign>(workspacePath(workspace.id, 'invite-campaigns'));
  const [editing, setEditing] = useState<Campaign | null>(null);

  const columns: TableColumnsType<Campaign> = [
    {
      title: t('common.name'),
      key: 'name',
      render: (_, c) => (
        <Link to={`/w/${workspace.id}/campaigns/${c.id}`} data-testid={`campaign-link-${c.id}`}>
          {c.name}
        </Link>
      ),
    },
    { title: t('common.status'), key: 'status', render: (_, c) => <CampaignStatusTag campaign={c} /> },
    {
      title: t('campaigns.dates'),
      key: 'dates',
      render: (_, c) => (
        <span style={{ whiteSpace: 'nowrap' }}>
          {formatTime(c.startsAt)} – {c.endsAt ? formatTime(c.endsAt) : <Typography.Text type="secondary">{t('campaigns.openEnded')}</Typography.Text>}
        </span>
      ),
    },
    { title: t('campaigns.perRedeemerLimit'), key: 'limit', render: (_, c) => c.perRedeemerLimit ?? t('campaigns.noLimit') },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.campaigns')}
        extra={
          manage && (
            <CampaignFormModal
              onSaved={() => {
                feedback.done(t('campaigns.saved'));
                campaigns.reload();
              }}
            />
          )
        }
      />
      <Typography.Paragraph type="secondary">{t('campaigns.intro')}</Typography.Paragraph>
      <CursorTable
        list={campaigns}
        columns={columns}
        data-testid="campaigns-table"
        actions={
          manage
            ? (c) => (
                <Space size={4}>
                  <Button size="small" onClick={() => setEditing(c)} data-testid={`campaign-edit-${c.id}`}>
                    {t('action.edit')}
                  </Button>
                  <ConfirmButton
                    confirm={t('campaigns.deleteConfirm', { name: c.name })}
                    onConfirm={() => feedback.run(() => api.delete(workspacePath(workspace.id, 'invite-campaigns', c.id)), t('campaigns.deleted'), campaigns.reload)}
                    testId={`campaign-delete-${c.id}`}
                  >
                    {t('action.delete')}
                  </ConfirmButton>
                </Space>
              )
            : undefined
        }
      />
      {editing && (
        <CampaignFormModal
          campaign={editing}
          open
          onClose={() => setEditing(null)}
          onSaved={() => {
            feedback.done(t('campaigns.saved'));
            campaigns.reload();
          }}
        />
      )}
    </>
  );
}
