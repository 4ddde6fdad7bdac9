import { Button } from 'antd';
import { useI18n } from '../I18nProvider.tsx';

/** The "load more" button under a cursor-paginated table; absent when there is no next page. */
export function LoadMore({ hasMore, loading, onClick }: { hasMore: boolean; loading: boolean; onClick: () => void }) {
  const { t } = useI18n();
  if (!hasMore) return null;
  return (
    <div style={{ textAlign: 'center', marginTop: 16 }}>
      <Button onClick={onClick} loading={loading} data-testid="load-more">
        {t('action.loadMore')}
      </Button>
    </div>
  );
}
