import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client.ts';
import type { Page } from '../api/types.ts';

const PAGE_SIZE = 50;

export interface CursorList<T> {
  items: T[];
  error: unknown;
  loading: boolean;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

interface ListState<T> {
  key: string;
  items: T[];
  nextCursor: string | null;
  error?: unknown;
  loading: boolean;
}

/**
 * A cursor-paginated list for `key` (the API path and filters): the first page on mount and on
 * every key change or reload, further pages appended by loadMore. Answers to superseded requests
 * are dropped, so a fast filter change never shows rows of the old filter.
 */
export function useCursorList<T>(key: string, fetchPage: (cursor: string | null) => Promise<Page<T>>): CursorList<T> {
  const fetchRef = useRef(fetchPage);
  useEffect(() => {
    fetchRef.current = fetchPage;
  });
  const generation = useRef(0);
  const [state, setState] = useState<ListState<T>>({ key, items: [], nextCursor: null, loading: true });

  const load = useCallback(
    (cursor: string | null) => {
      const id = ++generation.current;
      setState((s) => ({ ...s, key, items: s.key === key ? s.items : [], loading: true, error: undefined }));
      fetchRef.current(cursor).then(
        (page) => {
          if (id !== generation.current) return;
          setState((s) => ({
            key,
            items: cursor ? [...s.items, ...page.items] : page.items,
            nextCursor: page.nextCursor,
            loading: false,
          }));
        },
        (error: unknown) => {
          if (id === generation.current) setState((s) => ({ ...s, error, loading: false }));
        },
      );
    },
    [key],
  );

  useEffect(() => load(null), [load]);

  const fresh = state.key === key;
  return {
    items: fresh ? state.items : [],
    error: fresh ? state.error : undefined,
    loading: !fresh || state.loading,
    hasMore: fresh && state.nextCursor !== null,
    loadMore: () => load(state.nextCursor),
    reload: () => load(null),
  };
}

type Filter = Record<string, string | undefined>;

/** useCursorList over a paginated GET of the API: `path` with `filter` as query parameters. */
export function useApiList<T>(path: string, filter: Filter = {}): CursorList<T> {
  return useCursorList(`${path}?${JSON.stringify(filter)}`, (cursor) => api.get<Page<T>>(path, { ...filter, cursor, limit: PAGE_SIZE }));
}
