import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Card, Col, Descriptions, Row, Space, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, workspacePath } from '../../api/client.ts';
import type { Campaign } from '../../api/types.ts';
import { ErrorResult } from '../../components/ErrorResult.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageSpinner } from '../../components/PageSpinner.tsx';
import { useFeedback } from '../../feedback.ts';
import { useResource } from '../../hooks/useResource.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { canManageInvites, canReadRewards } from '../../permissions.ts';
import { useWorkspace } from '../../workspace.ts';
import { FunnelCard } from '../funnel/FunnelCard.tsx';
import { LeaderboardCard } from '../rewards/LeaderboardCard.tsx';
import { CampaignFormModal } from './CampaignFormModal.tsx';
import { CampaignStatusTag } from './CampaignStatusTag.tsx';
import { RewardRulesCard } from './RewardRulesCard.tsx';

/** One campaign: its dates and rules, its reward rules and leaderboard (for roles that read rewards), and its funnel. */
export default function CampaignDetailPage() {
  const { t, formatTime } = useI18n();
  const workspace = useWorkspace();
  const feedback = useFeedback();
  const navigate = useNavigate();
  const { campaignId = '' } = useParams();
  const path = workspacePath(workspace.id, 'invite-campaigns', campaignId);
  const campaign = useResource(path, () => api.get<Campaign>(path));
  const [editing, setEditing] = useState(false);
  const [version, setVersion] = useState(0);

  if (campaign.error) return <ErrorResult error={campaign.error} onRetry={campaign.reload} />;
  const c = campaign.data;
  if (!c) return <PageSpinner />;
  const rewards = canReadRewards(workspace.role);

  return (
    <>
      <PageHeader
        title={
          <Space wrap>
            <Link to={`/w/${workspace.id}/campaigns`} aria-label={t('action.back')}>
              <ArrowLeftOutlined />
            </Link>
            <span data-testid="campaign-title">{c.name}</span>
            <CampaignStatusTag campaign={c} />
          </Space>
        }
        extra={
          <Space wrap>
            <Button onClick={() => navigate(`/w/${workspace.id}/invites?campaignId=${c.id}`)} data-testid="campaign-codes">
              {t('campaigns.codes')}
            </Button>
            {canManageInvites(workspace.role) && (
              <Button type="primary" onClick={() => setEditing(true)} data-testid="campaign-edit">
                {t('action.edit')}
              </Button>
            )}
          </Space>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card title={t('campaigns.facts')}>
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('campaigns.dates')}>
                {formatTime(c.startsAt)} – {c.endsAt ? formatTime(c.endsAt) : t('campaigns.openEnded')}
              </Descriptions.Item>
              <Descriptions.Item label={t('campaigns.perRedeemerLimit')}>{c.perRedeemerLimit ?? t('campaigns.noLimit')}</Descriptions.Item>
              <Descriptions.Item label={t('common.description')}>
                {c.description || <Typography.Text type="secondary">—</Typography.Text>}
              </Descriptions.Item>
              <Descriptions.Item label="ID">
                <Typography.Text copyable>{c.id}</Typography.Text>
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        {rewards && (
          <Col xs={24} xl={12}>
            <RewardRulesCard campaignId={c.id} onSaved={() => setVersion((v) => v + 1)} />
          </Col>
        )}
        {rewards && (
          <Col span={24}>
            <LeaderboardCard campaignId={c.id} version={version} />
          </Col>
        )}
        <Col span={24}>
          <FunnelCard scope={{ campaignId: c.id }} />
        </Col>
      </Row>
      {editing && (
        <CampaignFormModal
          campaign={c}
          open
          onClose={() => setEditing(false)}
          onSaved={() => {
            feedback.done(t('campaigns.saved'));
            campaign.reload();
          }}
        />
      )}
    </>
  );
}
