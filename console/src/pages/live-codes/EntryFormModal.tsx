import { Checkbox, Col, DatePicker, Form, Input, InputNumber, Row, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api, workspacePath } from '../../api/client.ts';
import { PLATFORMS, USER_AGENT_APPS, type Group, type LiveCode, type LiveCodeEntry, type Platform } from '../../api/types.ts';
import { FormModal } from '../../components/FormModal.tsx';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';
import { QrImagePicker } from './QrImagePicker.tsx';

/** What is being added: a hosted group of the workspace, an external group's QR image, or its join URL. */
export type NewEntryKind = 'group' | 'image' | 'url';

interface Values {
  groupId?: string;
  image?: string;
  url?: string;
  label?: string;
  platform?: Platform | null;
  audience?: string[];
  scanThreshold?: number;
  expiresAt?: Dayjs | null;
  noExpiry?: boolean;
  latitude?: number | null;
  longitude?: number | null;
  region?: string;
}

type Props = { liveCode: LiveCode; groups: Group[]; open: boolean; onClose: () => void; onSaved: () => void } & (
  | { adding: NewEntryKind; entry?: undefined }
  | { adding?: undefined; entry: LiveCodeEntry }
);

/** The fields every entry has: who it serves and where it is. */
function common(values: Values) {
  return {
    label: values.label?.trim() ?? '',
    audience: values.audience?.length ? values.audience : null,
    latitude: values.latitude ?? null,
    longitude: values.longitude ?? null,
    region: values.region?.trim() || null,
  };
}

/** Only what changed: an unchanged expiry that has passed would be refused as lying in the past. */
function changes(entry: LiveCodeEntry, values: Values): Record<string, unknown> {
  const next: Record<string, unknown> = common(values);
  const before: Record<string, unknown> = { label: entry.label, audience: entry.audience, latitude: entry.latitude, longitude: entry.longitude, region: entry.region };
  if (entry.kind === 'link') {
    Object.assign(next, { platform: values.platform ?? null, scanThreshold: values.scanThreshold });
    Object.assign(before, { platform: entry.platform, scanThreshold: entry.scanThreshold });
    const expiresAt = values.noExpiry ? null : values.expiresAt ? values.expiresAt.valueOf() : undefined;
    const was = entry.expiresAt === null ? null : Date.parse(entry.expiresAt);
    if (expiresAt !== undefined && expiresAt !== was) next.expiresAt = expiresAt === null ? null : new Date(expiresAt).toISOString();
  }
  return Object.fromEntries(Object.entries(next).filter(([key, value]) => value !== undefined && JSON.stringify(value) !== JSON.stringify(before[key])));
}

/**
 * Adding an entry to a live code's pool (a hosted group, a group QR image, a join URL) or editing
 * one (label, audience, place; for links also platform, scan threshold and expiry). The server's
 * refusals (not an image, unreadable, no QR code, too large, duplicate, contradictory rules) show
 * above the form and on the field they concern.
 */
export function EntryFormModal(props: Props) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const { liveCode, groups, open, onClose, onSaved } = props;
  const entry = props.entry;
  const kind: NewEntryKind | 'edit' = props.adding ?? 'edit';
  const isLink = entry ? entry.kind === 'link' : kind !== 'group';
  const path = workspacePath(workspace.id, 'live-codes', liveCode.id, 'entries');

  const submit = async (values: Values) => {
    if (entry) {
      const body = changes(entry, values);
      if (Object.keys(body).length > 0) await api.patch(`${path}/${encodeURIComponent(entry.id)}`, body);
      onSaved();
      return;
    }
    const body: Record<string, unknown> = Object.fromEntries(Object.entries(common(values)).filter(([, value]) => value !== null && value !== ''));
    if (kind === 'group') body.groupId = values.groupId;
    if (kind === 'image') body.image = values.image;
    if (kind === 'url') body.url = values.url?.trim();
    if (isLink) {
      if (values.platform) body.platform = values.platform;
      if (values.scanThreshold !== undefined) body.scanThreshold = values.scanThreshold;
      if (values.noExpiry) body.expiresAt = null;
      else if (values.expiresAt) body.expiresAt = values.expiresAt.toISOString();
    }
    await api.post(path, body);
    onSaved();
  };

  const initialValues: Values = entry
    ? {
        label: entry.label,
        platform: entry.platform,
        audience: entry.audience ?? [],
        scanThreshold: entry.scanThreshold ?? undefined,
        expiresAt: entry.expiresAt ? dayjs(entry.expiresAt) : null,
        noExpiry: entry.kind === 'link' && entry.expiresAt === null,
        latitude: entry.latitude,
        longitude: entry.longitude,
        region: entry.region ?? undefined,
      }
    : { audience: [], scanThreshold: liveCode.scanThreshold, noExpiry: false, platform: kind === 'image' ? 'wechat' : undefined };
  const inPool = new Set(liveCode.entries.map((e) => e.groupId));
  const pickable = groups.filter((g) => g.kind === 'hosted' && g.status === 'active' && !inPool.has(g.id));
  const defaultExpiry =
    liveCode.entryValidityHours === null ? t('liveCodes.entry.defaultNoExpiry') : t('liveCodes.entry.defaultExpiry', { hours: liveCode.entryValidityHours });
  const titles = { group: 'liveCodes.addGroup', image: 'liveCodes.addImage', url: 'liveCodes.addUrl', edit: 'liveCodes.editEntry' } as const;

  return (
    <FormModal<Values>
      open={open}
      onClose={onClose}
      title={t(titles[kind])}
      okText={t(entry ? 'action.save' : 'action.create')}
      onSubmit={submit}
      initialValues={initialValues}
      submitTestId="entry-submit"
      width={680}
    >
      {kind === 'group' && (
        <Form.Item name="groupId" label={t('liveCodes.entry.group')} extra={t('liveCodes.entry.groupHint')} rules={[{ required: true }]}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={pickable.map((g) => ({ value: g.id, label: `${g.name} (${g.memberCount} / ${g.capacity})` }))} data-testid="entry-group" />
        </Form.Item>
      )}
      {kind === 'image' && (
        <Form.Item name="image" label={t('liveCodes.entry.image')} extra={t('liveCodes.entry.imageHint')} rules={[{ required: true, message: t('liveCodes.image.required') }]}>
          <QrImagePicker />
        </Form.Item>
      )}
      {kind === 'url' && (
        <Form.Item name="url" label={t('groups.joinUrl')} rules={[{ required: true }, { type: 'url' }, { pattern: /^https?:\/\//, message: 'http(s)://…' }]}>
          <Input placeholder="https://" data-testid="entry-url" />
        </Form.Item>
      )}
      <Row gutter={16}>
        <Col xs={24} md={isLink ? 14 : 24}>
          <Form.Item name="label" label={t('liveCodes.entry.label')} extra={t('liveCodes.entry.labelHint')} rules={[{ max: 80 }]}>
            <Input data-testid="entry-label" />
          </Form.Item>
        </Col>
        {isLink && (
          <Col xs={24} md={10}>
            <Form.Item name="platform" label={t('groups.platform')}>
              <Select allowClear options={PLATFORMS.map((p) => ({ value: p, label: t(`platform.${p}`) }))} data-testid="entry-platform" />
            </Form.Item>
          </Col>
        )}
      </Row>
      <Form.Item name="audience" label={t('liveCodes.entry.audience')} extra={t('liveCodes.entry.audienceHint')}>
        <Select
          mode="multiple"
          allowClear
          placeholder={t('liveCodes.entry.everyone')}
          optionFilterProp="label"
          options={USER_AGENT_APPS.map((app) => ({ value: app, label: t(`ua.${app}`) }))}
          data-testid="entry-audience"
        />
      </Form.Item>
      {isLink && (
        <Row gutter={16}>
          <Col xs={24} md={10}>
            <Form.Item name="scanThreshold" label={t('liveCodes.scanThreshold')} extra={t('liveCodes.entry.thresholdHint')} rules={[{ required: true }]}>
              <InputNumber min={1} max={100_000_000} precision={0} style={{ width: '100%' }} data-testid="entry-threshold" />
            </Form.Item>
          </Col>
          <Col xs={24} md={14}>
            <Form.Item label={t('codes.expires')} extra={entry ? t('liveCodes.entry.expiryEditHint') : defaultExpiry}>
              <Space wrap>
                <Form.Item noStyle shouldUpdate={(a: Values, b: Values) => a.noExpiry !== b.noExpiry}>
                  {({ getFieldValue }) => (
                    <Form.Item name="expiresAt" noStyle>
                      <DatePicker showTime disabled={Boolean(getFieldValue('noExpiry'))} data-testid="entry-expires" />
                    </Form.Item>
                  )}
                </Form.Item>
                <Form.Item name="noExpiry" valuePropName="checked" noStyle>
                  <Checkbox data-testid="entry-no-expiry">{t('liveCodes.noExpiry')}</Checkbox>
                </Form.Item>
              </Space>
            </Form.Item>
          </Col>
        </Row>
      )}
      <Row gutter={16}>
        <Col xs={12} md={7}>
          <Form.Item name="latitude" label={t('liveCodes.entry.latitude')}>
            <InputNumber min={-90} max={90} step={0.0001} style={{ width: '100%' }} data-testid="entry-latitude" />
          </Form.Item>
        </Col>
        <Col xs={12} md={7}>
          <Form.Item name="longitude" label={t('liveCodes.entry.longitude')}>
            <InputNumber min={-180} max={180} step={0.0001} style={{ width: '100%' }} data-testid="entry-longitude" />
          </Form.Item>
        </Col>
        <Col xs={24} md={10}>
          <Form.Item name="region" label={t('liveCodes.entry.region')} rules={[{ max: 80 }]}>
            <Input placeholder={t('liveCodes.entry.regionPlaceholder')} data-testid="entry-region" />
          </Form.Item>
        </Col>
      </Row>
      {liveCode.rule === 'nearest' && <p style={{ marginTop: -8 }}>{t('liveCodes.entry.placeNeeded')}</p>}
    </FormModal>
  );
}
