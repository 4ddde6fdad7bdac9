import { Space, Tag } from 'antd';
import type { Campaign, CampaignStatus } from '../../api/types.ts';
import { useI18n } from '../../I18nProvider.tsx';

const colors: Record<CampaignStatus, string> = { active: 'success', paused: 'warning', ended: 'default' };

/** The campaign's status, and whether its codes redeem right now (active and within its dates). */
export function CampaignStatusTag({ campaign }: { campaign: Campaign }) {
  const { t } = useI18n();
  return (
    <Space size={4} data-testid="campaign-status-tag">
      <Tag color={colors[campaign.status]}>{t(`campaigns.status.${campaign.status}`)}</Tag>
      {campaign.status === 'active' && <Tag color={campaign.running ? 'processing' : 'default'}>{t(campaign.running ? 'campaigns.running' : 'campaigns.notRunning')}</Tag>}
    </Space>
  );
}
