import { Form, Input, Select, Space } from 'antd';
import { useI18n } from '../../I18nProvider.tsx';

interface Props {
  /** Form field holding 'user' or 'member'. */
  typeName: string;
  /** Form field holding the id, as typed. */
  idName: string;
  placeholder: string;
  typeTestId?: string;
  idTestId: string;
}

/** A filter bar's person (an invite's owner, a reward's beneficiary): your user or a member, and the id. */
export function PartyFilterField({ typeName, idName, placeholder, typeTestId, idTestId }: Props) {
  const { t } = useI18n();
  return (
    <Form.Item>
      <Space.Compact>
        <Form.Item name={typeName} noStyle>
          <Select
            options={[
              { value: 'user', label: t('invites.owner.user') },
              { value: 'member', label: t('invites.owner.member') },
            ]}
            style={{ width: 110 }}
            data-testid={typeTestId}
          />
        </Form.Item>
        <Form.Item name={idName} noStyle>
          <Input placeholder={placeholder} allowClear style={{ width: 200 }} data-testid={idTestId} />
        </Form.Item>
      </Space.Compact>
    </Form.Item>
  );
}
