import { Button, Space } from 'antd';
import { useI18n } from '../I18nProvider.tsx';

interface Props {
  /** data-testid of the Search button. */
  applyTestId: string;
  /** Clears the form and shows everything again; each bar clears its own form its own way. */
  onReset: () => void;
}

/** The end of an inline filter form: Search submits it, Reset clears it. */
export function FilterButtons({ applyTestId, onReset }: Props) {
  const { t } = useI18n();
  return (
    <Space>
      <Button type="primary" htmlType="submit" data-testid={applyTestId}>
        {t('action.search')}
      </Button>
      <Button onClick={onReset}>{t('action.reset')}</Button>
    </Space>
  );
}
