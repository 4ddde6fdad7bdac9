import { App } from 'antd';
import { ApiError } from './api/client.ts';
import type { Translate } from './i18n.ts';
import { useI18n } from './I18nProvider.tsx';

/** The server's own words for a problem (title, then detail and field errors), or ours for a network failure. */
export function describeError(error: unknown, t: Translate): string {
  if (!(error instanceof ApiError)) return t('error.unexpected');
  if (error.status === 0) return t('error.network');
  const fields = (error.errors ?? [])
    .map((e) => [`${e.in ?? ''}${e.pointer ?? ''}`, e.message].filter(Boolean).join(' '))
    // The server's detail already repeats the first field error.
    .filter((text) => text && !error.detail?.includes(text));
  return [error.title, error.detail, ...fields].filter(Boolean).join(' — ');
}

export function isForbidden(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403;
}

/** Toasts for the outcome of an action. */
export function useFeedback() {
  const { message } = App.useApp();
  const { t } = useI18n();
  const failed = (error: unknown) => void message.error(describeError(error, t));
  return {
    failed,
    done: (text: string) => void message.success(text),
    warn: (text: string) => void message.warning(text),
    /**
     * Runs an action the user asked for (revoke, replay, …) and toasts how it went; `then` follows
     * a success, e.g. reloading the list. Never rejects, so a Popconfirm can await it.
     */
    run: async (action: () => Promise<unknown>, done: string, then?: () => void): Promise<void> => {
      try {
        await action();
      } catch (error) {
        failed(error);
        return;
      }
      void message.success(done);
      then?.();
    },
  };
}
