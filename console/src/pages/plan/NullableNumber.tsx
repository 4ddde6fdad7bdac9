import { Checkbox, InputNumber, Space } from 'antd';
import { useState } from 'react';

interface Props {
  value?: number | null;
  onChange?: (value: number | null) => void;
  /** Label of the checkbox that stands for null (unlimited, permanent). */
  nullLabel: string;
  disabled?: boolean;
  testId: string;
}

/** A whole number where null means "no limit"; a Form.Item control. */
export function NullableNumber({ value, onChange, nullLabel, disabled, testId }: Props) {
  const [lastNumber, setLastNumber] = useState<number>(value ?? 1);
  const unlimited = value === null;
  return (
    <Space>
      <InputNumber
        min={1}
        precision={0}
        value={unlimited ? null : value}
        disabled={disabled || unlimited}
        onChange={(next) => {
          if (next === null) return;
          setLastNumber(next);
          onChange?.(next);
        }}
        style={{ width: 160 }}
        data-testid={testId}
      />
      <Checkbox
        checked={unlimited}
        disabled={disabled}
        onChange={(event) => onChange?.(event.target.checked ? null : lastNumber)}
        data-testid={`${testId}-unlimited`}
      >
        {nullLabel}
      </Checkbox>
    </Space>
  );
}
