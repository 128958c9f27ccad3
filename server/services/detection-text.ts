/**
 * Ticket titles and descriptions for detected problems. Titles are Vietnamese (the people who work
 * the queue read Vietnamese); descriptions carry both languages.
 */
import type { Check } from '../domain/fingerprint.js';

export interface FaultText {
  title: string;
  description: string;
}

const both = (vi: string, en: string) => `${vi}\n\n${en}`;

export function faultText(check: Check, subject: string, host: string): FaultText {
  switch (check) {
    case 'disk_free':
      return {
        title: `Ổ đĩa ${subject} sắp đầy trên máy ${host}`,
        description: both(
          `Dung lượng trống của ổ ${subject} dưới ngưỡng cảnh báo. Hãy dọn dẹp hoặc thay ổ lớn hơn.`,
          `Free space on ${subject} is below the threshold. Clean up or fit a larger disk.`,
        ),
      };
    case 'disk_health':
      return {
        title: `Ổ đĩa ${subject} báo lỗi SMART trên máy ${host}`,
        description: both(
          `Ổ ${subject} báo trạng thái SMART "failing": sao lưu dữ liệu và thay ổ sớm.`,
          `Disk ${subject} reports SMART "failing": back up the data and replace the disk soon.`,
        ),
      };
    case 'target':
      return {
        title: `Máy ${host} không kết nối được hệ thống ${subject}`,
        description: both(
          `Máy trạm không kết nối được tới hệ thống "${subject}". Kiểm tra mạng, DNS và tường lửa của điểm một cửa.`,
          `The counter PC cannot reach "${subject}". Check the counter's network, DNS and firewall.`,
        ),
      };
    case 'target_latency':
      return {
        title: `Kết nối tới hệ thống ${subject} chậm trên máy ${host}`,
        description: both(
          `Độ trễ tới "${subject}" vượt ngưỡng. Kiểm tra băng thông và đường truyền.`,
          `Latency to "${subject}" is above the threshold. Check bandwidth and the line.`,
        ),
      };
    case 'peripheral':
      return {
        title: `Thiếu thiết bị "${subject}" trên máy ${host}`,
        description: both(
          `Không thấy thiết bị ngoại vi "${subject}" được cắm vào máy trạm. Kiểm tra cáp, nguồn và trình điều khiển.`,
          `The expected peripheral "${subject}" is not connected. Check its cable, power and driver.`,
        ),
      };
    case 'silence':
      return {
        title: `Máy ${host} ngừng gửi báo cáo`,
        description: both(
          'Máy trạm không gửi báo cáo trong hơn 3 chu kỳ. Kiểm tra máy có bật, có mạng và dịch vụ onestop-agent còn chạy.',
          'The counter PC has sent no report for more than 3 intervals. Check that it is on, online, and the onestop-agent service runs.',
        ),
      };
    case 'site_down':
      return {
        title: `Mất kết nối toàn bộ điểm một cửa ${host}`,
        description: both(
          'Tất cả máy trạm của đơn vị cùng ngừng báo cáo: có thể mất điện hoặc mất đường truyền của cả điểm.',
          'Every counter PC of the unit went silent at once: likely a power or line outage at the site.',
        ),
      };
    case 'upstream':
      return {
        title: `Hệ thống ${subject} không truy cập được từ nhiều đơn vị`,
        description: both(
          `Nhiều đơn vị cùng không kết nối được "${subject}": sự cố phía hệ thống hoặc đường truyền chung, không phải tại từng điểm.`,
          `Many units cannot reach "${subject}": the system or a shared link is down, not each counter.`,
        ),
      };
  }
}
