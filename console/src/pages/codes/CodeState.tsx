import { Tag } from 'antd';
import type { CodeState } from '../../api/types.ts';
import { useI18n } from '../../I18nProvider.tsx';

const colors: Record<CodeState, string> = {
  active: 'success',
  paused: 'warning',
  revoked: 'default',
  expired: 'default',
  not_yet_active: 'processing',
  ended: 'default',
  daily_cap_reached: 'error',
  total_cap_reached: 'error',
};

/** What a scanner meets right now, as a coloured tag. */
export function CodeStateTag({ state }: { state: CodeState }) {
  const { t } = useI18n();
  return (
    <Tag color={colors[state]} data-testid="code-state">
      {t(`codes.state.${state}`)}
    </Tag>
  );
}
