import { Col, Row, Typography } from 'antd';
import { useState } from 'react';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useI18n } from '../../I18nProvider.tsx';
import { Ledger } from './Ledger.tsx';
import { LeaderboardCard } from './LeaderboardCard.tsx';
import { RewardSettingsCard } from './RewardSettingsCard.tsx';

/** Rewards: the settings and referral rules, the ledger with its moves, and the referral program's leaderboard. */
export default function RewardsPage() {
  const { t } = useI18n();
  // Saved settings can change the currency every amount is shown in; a moved entry changes the leaderboard's amounts.
  const [settingsVersion, setSettingsVersion] = useState(0);
  const [boardVersion, setBoardVersion] = useState(0);
  return (
    <>
      <PageHeader title={t('nav.rewards')} />
      <Typography.Paragraph type="secondary">{t('rewards.intro')}</Typography.Paragraph>
      <Row gutter={[16, 16]}>
        <Col span={24}>
          <RewardSettingsCard
            onSaved={() => {
              setSettingsVersion((v) => v + 1);
              setBoardVersion((v) => v + 1);
            }}
          />
        </Col>
        <Col span={24}>
          <Ledger settingsVersion={settingsVersion} onChanged={() => setBoardVersion((v) => v + 1)} />
        </Col>
        <Col span={24}>
          <LeaderboardCard version={boardVersion} />
        </Col>
      </Row>
    </>
  );
}
