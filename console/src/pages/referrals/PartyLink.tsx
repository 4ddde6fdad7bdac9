import { Space, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useI18n } from '../../I18nProvider.tsx';
import { canReadRewards } from '../../permissions.ts';
import { useWorkspace } from '../../workspace.ts';

/** u:<user id> or m:<member id>, as the referral and reward routes name a person. */
export function partyKey(type: 'user' | 'member', id: string): string {
  return `${type === 'member' ? 'm' : 'u'}:${id}`;
}

/**
 * A person of the referral graph (a code owner, a beneficiary, an invitee): the name when known,
 * the id, and whether it is a member or your user; a link to their referral tree for roles that
 * may read it.
 */
export function PartyLink({ type, id, name }: { type: 'user' | 'member'; id: string; name?: string | null }) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const label = name ? `${name} (${id})` : id;
  return (
    <Space size={4}>
      {type === 'member' && <Tag>{t('invites.owner.member')}</Tag>}
      {canReadRewards(workspace.role) ? (
        <Link to={`/w/${workspace.id}/referrals?party=${encodeURIComponent(partyKey(type, id))}`}>{label}</Link>
      ) : (
        <Typography.Text>{label}</Typography.Text>
      )}
    </Space>
  );
}
