import { Form, Input, Space } from 'antd';
import { PartyTypeSelect } from './PartyTypeSelect.tsx';

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
  return (
    <Form.Item>
      <Space.Compact>
        <Form.Item name={typeName} noStyle>
          <PartyTypeSelect style={{ width: 110 }} data-testid={typeTestId} />
        </Form.Item>
        <Form.Item name={idName} noStyle>
          <Input placeholder={placeholder} allowClear style={{ width: 200 }} data-testid={idTestId} />
        </Form.Item>
      </Space.Compact>
    </Form.Item>
  );
}
