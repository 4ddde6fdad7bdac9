import { GlobalOutlined } from '@ant-design/icons';
import { Select } from 'antd';
import { LANG_NAMES, LANGS } from '../i18n.ts';
import { useI18n } from '../I18nProvider.tsx';

export function LanguageSwitch({ compact = false }: { compact?: boolean }) {
  const { lang, setLang, t } = useI18n();
  return (
    <Select
      value={lang}
      onChange={setLang}
      options={LANGS.map((value) => ({ value, label: LANG_NAMES[value] }))}
      prefix={<GlobalOutlined />}
      aria-label={t('header.language')}
      data-testid="language-switch"
      style={{ width: compact ? 100 : 130 }}
    />
  );
}
