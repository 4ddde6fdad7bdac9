import { useEffect, useRef } from 'react';
import { api } from '../api/client.ts';
import { useResource } from './useResource.ts';

interface Polling<T> {
  /** Whether the server is still working on it (queued or running): asked again while true. */
  isActive: (value: T) => boolean;
  /** Told once, with the value as it ended. */
  onFinished: (value: T) => void;
  intervalMs: number;
}

/**
 * Something the server works on in the background, as it stands: while `initial` is active, GET
 * `path` is asked again every `intervalMs` until the answer no longer is, and `onFinished` is told
 * once. A failed request is retried on the same beat. A value that was not active when shown is
 * neither asked for nor told about: it is shown as given.
 */
export function usePolledUntilDone<T>(path: string, initial: T, { isActive, onFinished, intervalMs }: Polling<T>): T {
  const polling = isActive(initial);
  const live = useResource(polling ? path : `${path}#final`, () => (polling ? api.get<T>(path) : Promise.resolve(initial)));
  const current = live.data ?? initial;
  const { reload } = live;
  const told = useRef(false);
  // The latest callbacks, so that a caller passing new functions each render neither restarts the beat nor is told twice.
  const callbacks = useRef({ isActive, onFinished });
  useEffect(() => {
    callbacks.current = { isActive, onFinished };
  });

  // live.error: a failed request is retried on the same beat.
  useEffect(() => {
    if (!polling) return;
    if (!callbacks.current.isActive(current)) {
      if (!told.current) {
        told.current = true;
        callbacks.current.onFinished(current);
      }
      return;
    }
    const timer = setTimeout(reload, intervalMs);
    return () => clearTimeout(timer);
  }, [current, live.error, polling, reload, intervalMs]);

  return current;
}
