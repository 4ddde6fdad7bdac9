import { App as AntApp, ConfigProvider } from 'antd';
// CommonJS modules: Node semantics (which TypeScript and Vite 8 both apply here) put the locale on `default`.
import enUS from 'antd/locale/en_US.js';
import zhCN from 'antd/locale/zh_CN.js';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn.js';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useReducedMotion } from './hooks/useReducedMotion.ts';
import { detectLang, rememberLang, translator, type Lang, type Translate } from './i18n.ts';

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
  /** A server timestamp in the reader's language, or an empty string for null. */
  formatTime: (iso: string | null) => string;
}

const I18nContext = createContext<I18n | null>(null);

const DAYJS_LOCALES: Record<Lang, string> = { 'zh-CN': 'zh-cn', en: 'en' };

/**
 * Date pickers take their texts from antd's locale but month and weekday names, and the first day
 * of the week, from dayjs's global locale, which therefore follows the language too.
 */
function useLanguage(): [Lang, (lang: Lang) => void] {
  const [lang, setLang] = useState<Lang>(() => {
    const detected = detectLang();
    dayjs.locale(DAYJS_LOCALES[detected]);
    return detected;
  });
  const choose = useCallback((next: Lang) => {
    rememberLang(next);
    dayjs.locale(DAYJS_LOCALES[next]);
    setLang(next);
  }, []);
  return [lang, choose];
}

/**
 * Owns the UI language: our dictionary, antd's component locale, dayjs's locale and date formatting;
 * and, on the same ConfigProvider, antd's motion, off for readers who prefer reduced motion.
 */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLang] = useLanguage();
  const reducedMotion = useReducedMotion();
  const theme = useMemo(() => ({ token: { motion: !reducedMotion } }), [reducedMotion]);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = translator(lang)('app.title');
  }, [lang]);
  const value = useMemo<I18n>(() => {
    const format = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
    return {
      lang,
      setLang,
      t: translator(lang),
      formatTime: (iso) => (iso ? format.format(new Date(iso)) : ''),
    };
  }, [lang, setLang]);
  return (
    <I18nContext.Provider value={value}>
      <ConfigProvider locale={lang === 'zh-CN' ? zhCN.default : enUS.default} theme={theme}>
        <AntApp>{children}</AntApp>
      </ConfigProvider>
    </I18nContext.Provider>
  );
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
