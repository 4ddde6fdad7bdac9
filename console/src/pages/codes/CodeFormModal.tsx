import { PlusOutlined } from '@ant-design/icons';
import { Checkbox, Col, DatePicker, Form, Input, InputNumber, Row, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api, workspacePath } from '../../api/client.ts';
import { ROTATIONS, type CodeTags, type Group, type JoinCode, type PlanLimits, type Rotation } from '../../api/types.ts';
import { FormModal } from '../../components/FormModal.tsx';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';
import { NullableNumber } from '../plan/NullableNumber.tsx';
import { CodeTagFields, cleanTags } from './CodeTagFields.tsx';

interface Values {
  groupId: string;
  name?: string;
  validityHours?: number | null;
  scansPerDayCap?: number | null;
  scansTotalCap?: number | null;
  joinsPerHourCap?: number | null;
  window?: [Dayjs | null, Dayjs | null] | null;
  password?: string;
  removePassword?: boolean;
  rotation: Rotation;
  tags?: CodeTags;
}

type Props = { limits: PlanLimits | undefined; groups: Group[]; onSaved: (code: JoinCode) => void } & (
  | { code?: undefined; open?: never; onClose?: never }
  | { code: JoinCode; open: boolean; onClose: () => void }
);

const DEFAULT_VALIDITY_HOURS = 168;

/**
 * "Create code" (its own button) or "Edit code" (tags, caps, window, rotation, password) for one code;
 * a live code's code settings are edited here too (it has no group: its pool has its own page).
 */
export function CodeFormModal(props: Props) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const { code, limits, groups, onSaved } = props;
  const maxValidity = limits?.maxCodeValidityHours;
  const maxDaily = limits?.scansPerCodePerDay;

  const submit = async (values: Values) => {
    const [from, until] = values.window ?? [null, null];
    const body: Record<string, unknown> = {
      rotation: values.rotation,
      scansTotalCap: values.scansTotalCap ?? null,
      joinsPerHourCap: values.joinsPerHourCap ?? null,
      activeFrom: from ? from.toISOString() : null,
      activeUntil: until ? until.toISOString() : null,
      tags: cleanTags(values.tags),
    };
    if (values.scansPerDayCap !== undefined) body.scansPerDayCap = values.scansPerDayCap;
    const name = values.name?.trim();
    if (name) body.name = name;
    if (values.password) body.password = values.password;
    else if (code && values.removePassword) body.password = null;
    let saved: JoinCode;
    if (code) {
      saved = await api.patch<JoinCode>(workspacePath(workspace.id, 'codes', code.id), body);
    } else {
      if (values.validityHours !== undefined) body.validityHours = values.validityHours;
      saved = await api.post<JoinCode>(workspacePath(workspace.id, 'codes'), { groupId: values.groupId, ...body });
    }
    onSaved(saved);
  };

  const initialValues: Partial<Values> = code
    ? {
        groupId: code.groupId ?? undefined,
        name: code.name,
        scansPerDayCap: code.scansPerDayCap,
        scansTotalCap: code.scansTotalCap,
        joinsPerHourCap: code.joinsPerHourCap,
        window: code.activeFrom || code.activeUntil ? [code.activeFrom ? dayjs(code.activeFrom) : null, code.activeUntil ? dayjs(code.activeUntil) : null] : null,
        rotation: code.rotation,
        tags: code.tags,
      }
    : {
        // Until the plan's limits are known, leave these to the server's defaults (which follow the plan).
        validityHours: maxValidity === undefined ? undefined : maxValidity === null ? DEFAULT_VALIDITY_HOURS : Math.min(DEFAULT_VALIDITY_HOURS, maxValidity),
        scansPerDayCap: maxDaily,
        scansTotalCap: null,
        joinsPerHourCap: null,
        rotation: 'none',
        tags: {},
      };
  const opening = code ? { open: props.open, onClose: props.onClose } : { trigger: { icon: <PlusOutlined />, primary: true, testId: 'code-create' } };

  return (
    <FormModal<Values>
      {...opening}
      title={t(code ? 'codes.edit' : 'codes.create')}
      okText={t(code ? 'action.save' : 'action.create')}
      onSubmit={submit}
      initialValues={initialValues}
      submitTestId="code-submit"
      width={720}
    >
      <Row gutter={16}>
        {code?.kind !== 'live' && (
          <Col xs={24} md={12}>
            <Form.Item name="groupId" label={t('codes.group')} rules={[{ required: true }]}>
              <Select
                disabled={Boolean(code)}
                showSearch={{ optionFilterProp: 'label' }}
                options={groups.filter((g) => g.status === 'active' || g.id === code?.groupId).map((g) => ({ value: g.id, label: g.name }))}
                data-testid="code-group"
              />
            </Form.Item>
          </Col>
        )}
        <Col xs={24} md={12}>
          <Form.Item name="name" label={t('common.name')} extra={code ? undefined : t('codes.nameHint')} rules={[{ max: 80 }]}>
            <Input data-testid="code-name" />
          </Form.Item>
        </Col>
      </Row>
      {!code && (
        <Form.Item
          name="validityHours"
          label={t('codes.validity')}
          extra={maxValidity === null ? t('codes.validityPermanentHint') : maxValidity === undefined ? undefined : t('codes.validityHint', { max: maxValidity })}
        >
          {maxValidity === null ? (
            <NullableNumber nullLabel={t('codes.permanent')} testId="code-validity" />
          ) : (
            <InputNumber min={1} max={maxValidity} precision={0} style={{ width: 160 }} data-testid="code-validity" />
          )}
        </Form.Item>
      )}
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name="scansPerDayCap" label={t('codes.scansPerDayCap')} extra={maxDaily == null ? undefined : t('codes.scansPerDayCapHint', { max: maxDaily })}>
            {maxDaily === null ? (
              <NullableNumber nullLabel={t('codes.unlimited')} testId="code-daily-cap" />
            ) : (
              <InputNumber min={1} max={maxDaily} precision={0} style={{ width: 160 }} data-testid="code-daily-cap" />
            )}
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="scansTotalCap" label={t('codes.scansTotalCap')}>
            <NullableNumber nullLabel={t('codes.unlimited')} testId="code-total-cap" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="joinsPerHourCap" label={t('codes.joinsPerHourCap')}>
            <NullableNumber nullLabel={t('codes.unlimited')} testId="code-joins-cap" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="rotation" label={t('codes.rotation')}>
            <Select options={ROTATIONS.map((r) => ({ value: r, label: t(`codes.rotation.${r}`) }))} data-testid="code-rotation" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="window" label={t('codes.window')} extra={t('codes.windowHint')}>
        <DatePicker.RangePicker showTime allowEmpty={[true, true]} style={{ width: '100%' }} data-testid="code-window" />
      </Form.Item>
      <Form.Item
        name="password"
        label={t('codes.password')}
        extra={code?.passwordRequired ? t('codes.passwordKeep') : t('codes.passwordHint')}
        rules={[{ min: 4, max: 200 }]}
      >
        <Input.Password autoComplete="new-password" data-testid="code-password" />
      </Form.Item>
      {code?.passwordRequired && (
        <Form.Item name="removePassword" valuePropName="checked">
          <Checkbox data-testid="code-password-remove">{t('codes.passwordRemove')}</Checkbox>
        </Form.Item>
      )}
      <CodeTagFields />
    </FormModal>
  );
}
