import { Select, type SelectProps } from 'antd';
import { useI18n } from '../../I18nProvider.tsx';

/** Whose id a person field holds: one of your own users (an integrator's user id) or a joincode member. */
export function PartyTypeSelect(props: Omit<SelectProps<'user' | 'member'>, 'options'>) {
  const { t } = useI18n();
  return (
    <Select
      {...props}
      options={[
        { value: 'user', label: t('invites.owner.user') },
        { value: 'member', label: t('invites.owner.member') },
      ]}
    />
  );
}
