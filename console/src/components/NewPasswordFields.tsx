import { Form, Input } from 'antd';
import { useI18n } from '../I18nProvider.tsx';

/** A new password and its confirmation, inside a Form; the password is stored under `name`. */
export function NewPasswordFields({ name, label }: { name: string; label: string }) {
  const { t } = useI18n();
  return (
    <>
      <Form.Item name={name} label={label} rules={[{ required: true }]}>
        <Input.Password autoComplete="new-password" data-testid="new-password" />
      </Form.Item>
      <Form.Item
        name="confirmPassword"
        label={t('password.confirm')}
        dependencies={[name]}
        rules={[
          { required: true },
          ({ getFieldValue }) => ({
            validator: (_, value) =>
              value === getFieldValue(name) ? Promise.resolve() : Promise.reject(new Error(t('password.mismatch'))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid="confirm-password" />
      </Form.Item>
    </>
  );
}
