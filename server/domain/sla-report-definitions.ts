/**
 * The definition of every figure of the SLA report, in Vietnamese and English: shown as footnotes on
 * the Reports page, returned with the API's JSON and written in docs/api/reports.md. One source, so
 * what a reader is told is what `sla-report.ts` computes.
 */

export const SLA_REPORT_FIGURES = [
  'period',
  'opened',
  'resolved',
  'respondOnTime',
  'resolveOnTime',
  'wallTime',
  'workTime',
  'backlog',
  'approvedCost',
  'reopened',
] as const;
export type SlaReportFigure = (typeof SLA_REPORT_FIGURES)[number];

export const SLA_REPORT_DEFINITIONS: Record<SlaReportFigure, { vi: string; en: string }> = {
  period: {
    vi: 'Kỳ báo cáo gồm các ngày theo giờ Việt Nam (UTC+7), tính cả ngày cuối: từ 00:00 ngày đầu đến trước 00:00 ngày sau ngày cuối. Phiếu được tính theo đơn vị báo sự cố (không phải đơn vị xử lý), chỉ các đơn vị bạn được xem.',
    en: 'The period is Vietnamese calendar days (UTC+7), last day included: from 00:00 of the first day to just before 00:00 after the last. Tickets count for the unit that reported the problem (not the handling unit), only units you may see.',
  },
  opened: {
    vi: 'Số phiếu được tạo trong kỳ.',
    en: 'Tickets created in the period.',
  },
  resolved: {
    vi: 'Số phiếu có lần xử lý xong cuối cùng trong kỳ (phiếu mở lại rồi xử lý lại chỉ tính một lần, theo lần cuối; phiếu đang mở lại không tính).',
    en: 'Tickets whose last resolution falls in the period (a reopened and re-resolved ticket counts once, by its last resolution; a ticket reopened and still open does not count).',
  },
  respondOnTime: {
    vi: 'Đúng hạn phản hồi = số đạt / (số đạt + số trễ), kèm n. Đạt: phản hồi đầu tiên (tiếp nhận, phân công, bắt đầu xử lý hoặc dự toán) trong kỳ và không muộn hơn hạn. Trễ: hạn phản hồi rơi vào kỳ (và đã qua) mà phản hồi muộn hoặc vẫn chưa có phản hồi — phiếu còn mở quá hạn là trễ. Phiếu tự hết lỗi trước hạn mà không ai phản hồi không tính (đếm riêng là "loại trừ").',
    en: 'Responded on time = met / (met + breached), with n. Met: first response (acknowledge, assign, start or estimate) in the period and no later than the deadline. Breached: the response deadline fell in the period (and has passed) and the response came late or has not come — an open ticket past its deadline is breached. A ticket resolved (e.g. recovered by itself) before the deadline with no response is left out and counted as "excluded".',
  },
  resolveOnTime: {
    vi: 'Đúng hạn xử lý = số đạt / (số đạt + số trễ), kèm n. Đạt: xử lý xong trong kỳ, không muộn hơn hạn (đúng bằng hạn là đạt). Trễ: hạn xử lý rơi vào kỳ (và đã qua) mà xử lý muộn hoặc vẫn chưa xong. Hạn tính theo giờ làm việc và dừng khi phiếu chờ phê duyệt hoặc chờ linh kiện (thời gian tạm dừng không tính vào SLA). Phiếu đang tạm dừng khi đồng hồ chưa hết giờ thì chưa có kết quả (đếm riêng là "loại trừ").',
    en: 'Resolved on time = met / (met + breached), with n. Met: resolved in the period no later than the deadline (exactly on it is met). Breached: the resolution deadline fell in the period (and has passed) and the resolution came late or has not come. The deadline counts working time and stops while the ticket awaits approval or parts (paused time does not count against the SLA). A paused ticket whose clock has not run out has no outcome yet ("excluded").',
  },
  wallTime: {
    vi: 'Thời gian xử lý (giờ thực): từ lúc tạo đến lần xử lý xong cuối cùng, của các phiếu xử lý xong trong kỳ; tính cả đêm, ngày nghỉ, thời gian tạm dừng và thời gian đã xử lý trước khi bị mở lại. Trung vị và phân vị 90 (hạng gần nhất), kèm n.',
    en: 'Time to resolve (wall clock): from creation to the last resolution, of tickets resolved in the period; includes nights, days off, paused time and time spent resolved before a reopen. Median and 90th percentile (nearest rank), with n.',
  },
  workTime: {
    vi: 'Thời gian xử lý (giờ làm việc theo SLA): số giờ làm việc đồng hồ SLA đã chạy, cùng các phiếu trên; không tính ngoài giờ, ngày nghỉ, thời gian chờ phê duyệt/linh kiện và thời gian đã xử lý.',
    en: 'Time to resolve (SLA working time): working hours the SLA clock ran, same tickets; excludes out-of-hours, days off, time awaiting approval or parts, and time resolved.',
  },
  backlog: {
    vi: 'Tồn cuối kỳ: phiếu tạo trước khi kỳ kết thúc và chưa xử lý xong lúc kỳ kết thúc, với tuổi của phiếu cũ nhất (tính đến cuối kỳ, hoặc đến hiện tại nếu kỳ chưa kết thúc). Tính theo trạng thái hiện tại: phiếu đã xử lý trong kỳ nhưng mở lại sau đó được tính là tồn.',
    en: 'Backlog at period end: tickets created before the period ended and not resolved when it ended, with the age of the oldest (at the end, or now if the period has not ended). From the current state: a ticket resolved in the period but reopened later counts as open.',
  },
  approvedCost: {
    vi: 'Chi phí đã duyệt (đồng): tổng dự toán của các phiếu có chuỗi phê duyệt hoàn tất (bước cuối đồng ý) trong kỳ, ở vòng phê duyệt hiện tại. Không gồm dự toán đang chờ duyệt, bị từ chối, hoặc dưới ngưỡng không cần duyệt.',
    en: 'Approved cost (VND): sum of the estimates whose approval chain completed (final step approved) in the period, on the current approval round. Estimates pending, rejected or below the approval threshold are not included.',
  },
  reopened: {
    vi: 'Phiếu mở lại: được tính một lần theo kết quả cuối cùng; đồng hồ SLA chạy tiếp từ chỗ dừng (thời gian đã xử lý không tính). Vì vậy số liệu của kỳ đã qua có thể thay đổi khi phiếu được mở lại.',
    en: 'Reopened tickets count once, by their final outcome; the SLA clock resumes where it stopped (time spent resolved does not count). So a past period\u2019s figures can change when a ticket is reopened.',
  },
};

/** The definitions in one language, for the UI's dictionaries. */
export function slaReportDefinitionsIn(lang: 'vi' | 'en'): Record<SlaReportFigure, string> {
  return Object.fromEntries(SLA_REPORT_FIGURES.map((k) => [k, SLA_REPORT_DEFINITIONS[k][lang]])) as Record<
    SlaReportFigure,
    string
  >;
}
