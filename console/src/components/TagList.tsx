import { Space, Tag } from 'antd';
import type { ReactNode } from 'react';

/** A wrapping row of tags, one per value (scopes, addresses, event types). */
export function TagList({ values, label = (value) => value }: { values: string[]; label?: (value: string) => ReactNode }) {
  return (
    <Space size={[0, 4]} wrap>
      {values.map((value) => (
        <Tag key={value}>{label(value)}</Tag>
      ))}
    </Space>
  );
}
