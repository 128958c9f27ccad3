/**
 * The equipment standard as data (like the matrix): requirements a counter unit must meet, each with
 * its legal basis. The default is the minimum of Hanoi's draft scheme for one-stop counters: at least
 * 40 m², one PC per officer, one scanner per officer who digitises files, and per unit one
 * photocopier, one queue-number machine and one satisfaction-rating device. Provinces change the
 * thresholds with PUT /equipment-standard (a new version), never with code.
 */
import type { EquipmentStandardBody, Requirement } from '../../shared/schemas/assets.js';

const DRAFT_BASIS =
  'Dự thảo Đề án nâng cao hiệu quả bộ phận một cửa của UBND TP Hà Nội (mức tối thiểu; cần ghi số, ngày văn bản khi ban hành)';

export const DEFAULT_REQUIREMENTS: Requirement[] = [
  {
    id: 'area_min',
    form: 'unit_attribute',
    attribute: 'areaM2',
    min: 40,
    title: {
      vi: 'Diện tích bộ phận một cửa từ 40 m² trở lên',
      en: 'One-stop counter area of at least 40 m²',
    },
    legalBasis: DRAFT_BASIS,
  },
  {
    id: 'pc_per_officer',
    form: 'ratio',
    kind: 'pc',
    per: 'officers',
    ratio: 1,
    title: { vi: 'Mỗi cán bộ một máy tính', en: 'One PC per officer' },
    legalBasis: DRAFT_BASIS,
  },
  {
    id: 'scanner_per_digitizing_officer',
    form: 'ratio',
    kind: 'scanner',
    per: 'digitizingOfficers',
    ratio: 1,
    title: {
      vi: 'Mỗi cán bộ số hoá hồ sơ một máy quét',
      en: 'One scanner per officer who digitises files',
    },
    legalBasis: DRAFT_BASIS,
  },
  {
    id: 'photocopier',
    form: 'count',
    kind: 'photocopier',
    min: 1,
    title: { vi: 'Có máy photocopy', en: 'A photocopier' },
    legalBasis: DRAFT_BASIS,
  },
  {
    id: 'queue_machine',
    form: 'count',
    kind: 'queue_machine',
    min: 1,
    title: { vi: 'Có máy lấy số thứ tự', en: 'A queue-number machine' },
    legalBasis: DRAFT_BASIS,
  },
  {
    id: 'rating_device',
    form: 'count',
    kind: 'rating_device',
    min: 1,
    title: {
      vi: 'Có thiết bị đánh giá mức độ hài lòng',
      en: 'A device for citizens to rate the service',
    },
    legalBasis: DRAFT_BASIS,
  },
];

export const DEFAULT_STANDARD: Required<Omit<EquipmentStandardBody, 'activatedAt'>> = {
  name: 'Tiêu chuẩn trang thiết bị bộ phận một cửa (mặc định theo dự thảo Đề án của Hà Nội)',
  legalBasis: DRAFT_BASIS,
  requirements: DEFAULT_REQUIREMENTS,
};
