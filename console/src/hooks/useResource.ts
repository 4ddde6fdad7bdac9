import { useCallback, useEffect, useRef, useState } from 'react';

interface Loaded<T> {
  key: string;
  version: number;
  data?: T;
  error?: unknown;
}

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Loads one thing for `key` (usually the API path), again whenever the key changes or on reload. */
export function useResource<T>(key: string, fetcher: () => Promise<T>): Resource<T> {
  const fetcherRef = useRef(fetcher);
  useEffect(() => {
    fetcherRef.current = fetcher;
  });
  const [loaded, setLoaded] = useState<Loaded<T> | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let current = true;
    fetcherRef.current().then(
      (data) => current && setLoaded({ key, version, data }),
      (error: unknown) => current && setLoaded({ key, version, error }),
    );
    return () => {
      current = false;
    };
  }, [key, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  // While reloading, the previous answer for the same key stays on screen.
  const sameKey = loaded?.key === key ? loaded : null;
  return { data: sameKey?.data, error: sameKey?.error, loading: sameKey?.version !== version, reload };
}
