import { Col, Form, Input, Row } from 'antd';
import { TAG_KEYS, type CodeTags } from '../../api/types.ts';
import { useI18n } from '../../I18nProvider.tsx';

/** The tags as the API takes them: trimmed, empty ones left out. */
export function cleanTags(tags: CodeTags | undefined): CodeTags {
  return Object.fromEntries(Object.entries(tags ?? {}).flatMap(([key, value]) => (typeof value === 'string' && value.trim() ? [[key, value.trim()]] : [])));
}

/** The channel tag inputs (utm_* and a free channel) of a code form, under the form's `tags`; `hint` says where they go. */
export function CodeTagFields({ hint }: { hint?: string }) {
  const { t } = useI18n();
  return (
    <Form.Item label={t('codes.tags')} extra={hint ?? t('codes.tagsHint')} style={{ marginBottom: 0 }}>
      <Row gutter={12}>
        {TAG_KEYS.map((key) => (
          <Col xs={24} md={8} key={key}>
            <Form.Item name={['tags', key]} rules={[{ max: 100 }]}>
              <Input addonBefore={key === 'channel' ? t('codes.tag.channel') : key} data-testid={`code-tag-${key}`} />
            </Form.Item>
          </Col>
        ))}
      </Row>
    </Form.Item>
  );
}
