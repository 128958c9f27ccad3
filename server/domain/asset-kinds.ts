/**
 * The names of equipment kinds as people say them — one list for the pages, the ticket titles the
 * server writes and the import (which accepts these labels as well as the codes).
 */
import type { AssetKind } from '../../shared/enums.js';

export const ASSET_KIND_LABELS: { vi: Record<AssetKind, string>; en: Record<AssetKind, string> } = {
  vi: {
    pc: 'Máy tính',
    scanner: 'Máy quét',
    printer: 'Máy in',
    photocopier: 'Máy photocopy',
    queue_machine: 'Máy lấy số thứ tự',
    rating_device: 'Thiết bị đánh giá mức độ hài lòng',
    citizen_lookup: 'Máy tra cứu thủ tục',
    display: 'Màn hình',
    card_reader: 'Đầu đọc thẻ CCCD',
    network: 'Thiết bị mạng',
    ups: 'Bộ lưu điện (UPS)',
    other: 'Thiết bị khác',
  },
  en: {
    pc: 'PC',
    scanner: 'Scanner',
    printer: 'Printer',
    photocopier: 'Photocopier',
    queue_machine: 'Queue ticket machine',
    rating_device: 'Satisfaction rating device',
    citizen_lookup: 'Information kiosk',
    display: 'Display',
    card_reader: 'ID card reader',
    network: 'Network device',
    ups: 'UPS',
    other: 'Other equipment',
  },
};
