import { Tag } from 'antd';
import type { InviteState } from '../../api/types.ts';
import { useI18n } from '../../I18nProvider.tsx';

const colors: Record<InviteState, string> = {
  active: 'success',
  expired: 'default',
  exhausted: 'warning',
  revoked: 'error',
  archived: 'default',
};

export function InviteStateTag({ state }: { state: InviteState }) {
  const { t } = useI18n();
  return (
    <Tag color={colors[state]} data-testid="invite-state">
      {t(`invites.state.${state}`)}
    </Tag>
  );
}
