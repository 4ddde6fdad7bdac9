import { Alert, Card, Table } from 'antd';
import { api, workspacePath } from '../../api/client.ts';
import type { Leaderboard } from '../../api/types.ts';
import { describeError } from '../../feedback.ts';
import { useResource } from '../../hooks/useResource.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';
import { PartyLink } from '../referrals/PartyLink.tsx';
import { useMoney } from './money.ts';

type Row = Leaderboard['items'][number];

/** The top inviters of a campaign, or of the referral program without one: live invitees, then rewards earned and paid. */
export function LeaderboardCard({ campaignId, version = 0 }: { campaignId?: string; version?: number }) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const path = workspacePath(workspace.id, 'rewards', 'leaderboard');
  const board = useResource(`${path}?${campaignId ?? ''}#${version}`, () => api.get<Leaderboard>(path, { campaignId, limit: 20 }));
  const money = useMoney(board.data?.currency);
  return (
    <Card title={t(campaignId ? 'leaderboard.titleCampaign' : 'leaderboard.titleReferral')} loading={!board.data && !board.error} data-testid="leaderboard">
      {board.error ? (
        <Alert type="error" showIcon title={describeError(board.error, t)} />
      ) : (
        <Table<Row>
          size="small"
          rowKey={(r) => r.party.key}
          pagination={false}
          dataSource={board.data?.items ?? []}
          locale={{ emptyText: t('leaderboard.empty') }}
          columns={[
            { title: t('leaderboard.rank'), dataIndex: 'rank', key: 'rank', width: 64 },
            { title: t('leaderboard.inviter'), key: 'party', render: (_, r) => <PartyLink type={r.party.type} id={r.party.id} name={r.party.displayName} /> },
            { title: t('leaderboard.invitees'), dataIndex: 'invitees', key: 'invitees' },
            { title: t('leaderboard.rewards'), key: 'rewards', render: (_, r) => money(r.rewardAmount) },
            { title: t('leaderboard.paid'), key: 'paid', render: (_, r) => money(r.paidAmount) },
          ]}
        />
      )}
    </Card>
  );
}
