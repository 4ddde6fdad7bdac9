import { InboxOutlined } from '@ant-design/icons';
import { Flex, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../I18nProvider.tsx';

interface Props {
  /** The picked file as a data: URL (a Form.Item control's value). */
  value?: string;
  onChange?: (value: string | undefined) => void;
}

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable file'));
    reader.readAsDataURL(file);
  });
}

/**
 * Picks an external group's QR image and hands it on as a data: URL. Whether it is an image, is
 * readable, holds a QR code and is small enough is the server's call (it decodes it on upload), so
 * any file is passed on and the server's answer shown; only an empty or unreadable file stops here.
 */
export function QrImagePicker({ value, onChange }: Props) {
  const { t } = useI18n();
  const [picked, setPicked] = useState<{ name: string; size: number } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const pick = async (file: File) => {
    setProblem(null);
    setPicked({ name: file.name, size: file.size });
    if (file.size === 0) {
      setProblem(t('liveCodes.image.empty'));
      onChange?.(undefined);
      return;
    }
    try {
      onChange?.(await readAsDataUrl(file));
    } catch {
      setProblem(t('liveCodes.image.unreadableLocally'));
      onChange?.(undefined);
    }
  };

  const isImage = value?.startsWith('data:image/');
  return (
    <div data-testid="entry-image">
      <Upload.Dragger
        accept="image/png,image/jpeg"
        multiple={false}
        showUploadList={false}
        beforeUpload={(file) => {
          void pick(file);
          // Nothing is sent now: the data URL travels in the entry's JSON body on submit.
          return false;
        }}
      >
        {value && isImage ? (
          <Flex vertical align="center" gap={4}>
            <img src={value} alt="" style={{ maxHeight: 160, maxWidth: '100%' }} data-testid="entry-image-preview" />
            <Typography.Text type="secondary">{t('liveCodes.image.replace')}</Typography.Text>
          </Flex>
        ) : (
          <>
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{t('liveCodes.image.pick')}</p>
            <p className="ant-upload-hint">{t('liveCodes.image.pickHint')}</p>
          </>
        )}
      </Upload.Dragger>
      {picked && (
        <Typography.Text type="secondary" data-testid="entry-image-name">
          {t('liveCodes.image.picked', { name: picked.name, size: Math.max(1, Math.round(picked.size / 1024)) })}
        </Typography.Text>
      )}
      {problem && (
        <div>
          <Typography.Text type="danger">{problem}</Typography.Text>
        </div>
      )}
    </div>
  );
}
