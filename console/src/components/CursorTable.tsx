import { Button, Table, type TableColumnsType, type TableProps } from 'antd';
import type { ReactNode } from 'react';
import type { CursorList } from '../hooks/useCursorList.ts';
import { useNarrow } from '../hooks/useNarrow.ts';
import { useI18n } from '../I18nProvider.tsx';
import { ErrorResult } from './ErrorResult.tsx';

interface Props<T> extends Omit<TableProps<T>, 'dataSource' | 'loading' | 'pagination'> {
  list: CursorList<T>;
  /** A row's buttons, in a last "Actions" column; leave out (no column) where the role may not act. */
  actions?: (row: T) => ReactNode;
}

/**
 * A table over a cursor-paginated list: rows keyed by `id` unless told otherwise, horizontal
 * scrolling when the columns are wider than the screen, "load more" under it while there is a
 * next page, and the error (a 403 reads as "not for your role") in its place when loading failed.
 */
export function CursorTable<T extends object>({ list, actions, columns = [], ...table }: Props<T>) {
  const { t } = useI18n();
  const actionsFixed = useActionsFixed();
  if (list.error) return <ErrorResult error={list.error} onRetry={list.reload} />;
  const allColumns: TableColumnsType<T> = actions
    ? [...columns, { title: t('common.actions'), key: 'actions', fixed: actionsFixed, render: (_, row) => actions(row) }]
    : columns;
  return (
    <>
      <Table<T> rowKey="id" scroll={{ x: 'max-content' }} {...table} columns={allColumns} dataSource={list.items} loading={list.loading} pagination={false} />
      {list.hasMore && (
        <div style={{ textAlign: 'center', marginTop: 16 }}>
          <Button onClick={list.loadMore} loading={list.loading} data-testid="load-more">
            {t('action.loadMore')}
          </Button>
        </div>
      )}
    </>
  );
}

/**
 * A wide table scrolls sideways, which hid a row's buttons off the right edge even at 1280 px: the
 * actions column stays pinned there instead. Not on phones, where a pinned column would cover
 * most of the row.
 */
export function useActionsFixed(): 'right' | undefined {
  return useNarrow() ? undefined : 'right';
}
