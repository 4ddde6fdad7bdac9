import { App } from 'antd';
import { ApiError } from './api/client.ts';
import { isMessageKey, type Translate } from './i18n.ts';
import { useI18n } from './I18nProvider.tsx';

/**
 * The server's own words for a problem (title, then detail and field errors), or ours for a network
 * failure. Problems the console knows get their title in the reader's language; a detail that
 * already opens with the title, or field errors it already says, are not repeated.
 */
export function describeError(error: unknown, t: Translate): string {
  if (!(error instanceof ApiError)) return t('error.unexpected');
  if (error.status === 0) return t('error.network');
  const detail = error.detail;
  const fields = (error.errors ?? [])
    .filter((e) => e.message !== detail)
    .map((e) => [`${e.in ?? ''}${e.pointer ?? ''}`, e.message].filter(Boolean).join(' '))
    .filter((text) => text && !detail?.includes(text));
  const key = `problem.${error.code}`;
  const title = isMessageKey(key) ? t(key) : error.title;
  return [detail?.startsWith(title) ? '' : title, detail, ...fields].filter(Boolean).join(' — ');
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
