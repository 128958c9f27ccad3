/**
 * Everything the agent says to a person, in Vietnamese first and English. The language comes from
 * `--lang`, else ONESTOP_LANG / LC_ALL / LC_MESSAGES / LANG (en… → English), else Vietnamese.
 * Log lines for machines (JSON on stderr) carry a stable `event` key and the English text.
 */

export type Lang = 'vi' | 'en';

const M = {
  usage: {
    vi: `Cách dùng: onestop-agent <lệnh> [tùy chọn]

Lệnh:
  enroll --server URL --token MÃ_ĐĂNG_KÝ [--proxy URL|direct]
                                           đăng ký máy này với máy chủ (qua proxy HTTP nếu cần)
  run                                      thu thập và gửi báo cáo theo chu kỳ (chạy như dịch vụ)
  once [--dry-run]                         thu thập một báo cáo, in ra JSON, gửi đi (trừ khi --dry-run)
  inventory [--json]                       kiểm kê phần cứng/phần mềm ngay; báo cáo kế tiếp gửi kèm kết quả
  status                                   định danh, máy chủ, lần gửi thành công gần nhất, số báo cáo chờ gửi
  install-service [--print] [--user TÊN]   cài dịch vụ hệ thống (systemd trên Linux; hướng dẫn cho Windows)

Tùy chọn chung:
  --data-dir THƯ_MỤC   thư mục dữ liệu (mặc định: {dataDir})
  --lang vi|en         ngôn ngữ thông báo

Mã thoát: 0 thành công, 1 lỗi khi chạy, 2 lỗi cách dùng hoặc cấu hình.`,
    en: `Usage: onestop-agent <command> [options]

Commands:
  enroll --server URL --token ENROLLMENT_TOKEN [--proxy URL|direct]
                                                 enroll this PC with the server (through an HTTP proxy if needed)
  run                                            collect and report on the server's interval (as a service)
  once [--dry-run]                               collect one report, print it as JSON, send it (unless --dry-run)
  inventory [--json]                             take the hardware/software inventory now; the next report carries it
  status                                         identity, server, last success, spool depth
  install-service [--print] [--user NAME]        install the system service (systemd on Linux; instructions for Windows)

Common options:
  --data-dir DIR   data folder (default: {dataDir})
  --lang vi|en     language of messages

Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error.`,
  },
  unknownCommand: {
    vi: 'Lệnh không hợp lệ: "{command}". Chạy "onestop-agent --help" để xem các lệnh.',
    en: 'Unknown command "{command}". Run "onestop-agent --help" for the list of commands.',
  },
  noCommand: {
    vi: 'Thiếu lệnh. Chạy "onestop-agent --help" để xem các lệnh.',
    en: 'No command given. Run "onestop-agent --help" for the list of commands.',
  },
  badOption: { vi: 'Tùy chọn không hợp lệ: {detail}', en: 'Invalid option: {detail}' },
  missingOption: {
    vi: 'Thiếu tùy chọn --{name}. Ví dụ: {example}',
    en: 'Missing option --{name}. Example: {example}',
  },
  badServerUrl: {
    vi: 'Địa chỉ máy chủ "{url}" không hợp lệ: cần dạng https://may-chu.example.vn',
    en: 'Server address "{url}" is not valid: use the form https://server.example.vn',
  },
  badLang: { vi: '--lang chỉ nhận "vi" hoặc "en".', en: '--lang takes "vi" or "en".' },
  notEnrolled: {
    vi: 'Máy này chưa được đăng ký (không thấy {file}). Chạy: onestop-agent enroll --server URL --token MÃ_ĐĂNG_KÝ{dataDirHint}',
    en: 'This PC is not enrolled ({file} not found). Run: onestop-agent enroll --server URL --token ENROLLMENT_TOKEN{dataDirHint}',
  },
  identityDamaged: {
    vi: 'Tệp định danh {file} bị hỏng ({detail}). Đăng ký lại máy: onestop-agent enroll --server URL --token MÃ_ĐĂNG_KÝ',
    en: 'The identity file {file} is damaged ({detail}). Enroll again: onestop-agent enroll --server URL --token ENROLLMENT_TOKEN',
  },
  dataDirUnusable: {
    vi: 'Không dùng được thư mục dữ liệu {dir}: {detail}. Chạy với quyền quản trị hoặc chọn --data-dir khác.',
    en: 'Cannot use the data folder {dir}: {detail}. Run as administrator/root or choose another --data-dir.',
  },
  enrolled: {
    vi: 'Đã đăng ký máy "{hostname}" với {server}: mã thiết bị {deviceId}, chu kỳ báo cáo {intervalSec} giây.\nBước tiếp theo: onestop-agent install-service (hoặc onestop-agent once để thử gửi một báo cáo).',
    en: 'Enrolled "{hostname}" with {server}: device id {deviceId}, reporting every {intervalSec} s.\nNext: onestop-agent install-service (or onestop-agent once to send one report now).',
  },
  reEnrolledSameDevice: {
    vi: 'Máy này đã có trên máy chủ (cùng mã phần cứng): giữ nguyên lịch sử, {pending} báo cáo chờ gửi sẽ được gửi tiếp.',
    en: 'This PC was already known to the server (same hardware id): its history is kept and {pending} spooled report(s) will still be sent.',
  },
  reEnrolledOtherDevice: {
    vi: 'Máy được đăng ký thành thiết bị mới; {pending} báo cáo chưa gửi của thiết bị cũ được cất vào {archive}.',
    en: 'Enrolled as a new device; {pending} unsent report(s) of the previous device were moved to {archive}.',
  },
  enrollRejected: {
    vi: 'Máy chủ từ chối mã đăng ký (hết hạn, hết lượt dùng hoặc không đúng): {detail}\nXin quản trị viên một mã đăng ký mới cho đơn vị rồi chạy lại lệnh.',
    en: 'The server refused the enrollment token (expired, used up or unknown): {detail}\nAsk an administrator for a new enrollment token for the unit and run the command again.',
  },
  enrollInvalid: {
    vi: 'Máy chủ không chấp nhận yêu cầu đăng ký: {detail}',
    en: 'The server did not accept the enrollment request: {detail}',
  },
  serverUnreachable: {
    vi: 'Không kết nối được máy chủ {server}: {detail}. Kiểm tra mạng, tường lửa, địa chỉ máy chủ rồi thử lại.',
    en: 'Cannot reach the server {server}: {detail}. Check the network, firewall and server address, then try again.',
  },
  tokenRejected: {
    vi: 'Máy chủ không còn chấp nhận mã của máy này (thiết bị đã bị thu hồi hoặc đăng ký lại ở nơi khác): {detail}\n{pending} báo cáo chưa gửi vẫn được giữ trong {dataDir}. Đăng ký lại: onestop-agent enroll --server {server} --token MÃ_ĐĂNG_KÝ',
    en: 'The server no longer accepts this PC’s token (the device was revoked or enrolled again elsewhere): {detail}\n{pending} unsent report(s) are kept in {dataDir}. Enroll again: onestop-agent enroll --server {server} --token ENROLLMENT_TOKEN',
  },
  locked: {
    vi: 'Một tiến trình onestop-agent khác (pid {pid}) đang dùng {dataDir}. Dừng dịch vụ trước, hoặc dùng "once --dry-run" để chỉ xem báo cáo.',
    en: 'Another onestop-agent process (pid {pid}) is using {dataDir}. Stop the service first, or use "once --dry-run" to only look at a report.',
  },
  onceSent: {
    vi: 'Đã gửi: {delivered} báo cáo (kể cả báo cáo này). Còn chờ gửi: {pending}.',
    en: 'Sent {delivered} report(s) (this one included). Still spooled: {pending}.',
  },
  onceNotSent: {
    vi: 'Chưa gửi được ({detail}); báo cáo đã được lưu và sẽ được gửi lại sau. Chờ gửi: {pending}.',
    en: 'Not sent ({detail}); the report is spooled and will be sent later. Spooled: {pending}.',
  },
  statusTitle: { vi: 'Tác tử onestop-agent {version}', en: 'onestop-agent {version}' },
  statusNotEnrolled: { vi: '  Chưa đăng ký.', en: '  Not enrolled.' },
  statusLines: {
    vi: `  Thư mục dữ liệu:    {dataDir}
  Máy chủ:            {server}
  Mã thiết bị:        {deviceId}
  Tên máy / mã phần cứng: {hostname} / {hardwareId}
  Đăng ký lúc:        {enrolledAt}
  Chu kỳ báo cáo:     {interval}
  Gửi thành công gần nhất: {lastSuccess}
  Lỗi gần nhất:       {lastError}
  Báo cáo chờ gửi:    {pending} ({bytes})
  Đã bỏ / cách ly:    {dropped} / {quarantined}
  Dịch vụ đang chạy:  {running}
  Proxy:              {proxy}
  Kiểm kê gần nhất:   {inventoryAt}`,
    en: `  Data folder:        {dataDir}
  Server:             {server}
  Device id:          {deviceId}
  Hostname / hardware id: {hostname} / {hardwareId}
  Enrolled at:        {enrolledAt}
  Reporting interval: {interval}
  Last success:       {lastSuccess}
  Last error:         {lastError}
  Spooled reports:    {pending} ({bytes})
  Dropped / quarantined: {dropped} / {quarantined}
  Service running:    {running}
  Proxy:              {proxy}
  Last inventory:     {inventoryAt}`,
  },
  statusRevoked: {
    vi: '  TRẠNG THÁI: máy chủ đã từ chối mã của máy lúc {at}. Cần đăng ký lại.',
    en: '  STATUS: the server refused this PC’s token at {at}. Enroll again.',
  },
  never: { vi: 'chưa có', en: 'never' },
  none: { vi: 'không', en: 'none' },
  yesPid: { vi: 'có (pid {pid})', en: 'yes (pid {pid})' },
  no: { vi: 'không', en: 'no' },
  seconds: { vi: '{n} giây', en: '{n} s' },
  serviceWritten: {
    vi: 'Đã ghi {file}.\nBật dịch vụ:\n  systemctl daemon-reload\n  systemctl enable --now onestop-agent\nXem nhật ký: journalctl -u onestop-agent',
    en: 'Wrote {file}.\nEnable the service:\n  systemctl daemon-reload\n  systemctl enable --now onestop-agent\nLogs: journalctl -u onestop-agent',
  },
  serviceWindows: {
    vi: 'Đã ghi {file} (cấu hình WinSW). Xem agent/README.md mục "Windows" để cài dịch vụ bằng WinSW với tài khoản LocalService.',
    en: 'Wrote {file} (a WinSW configuration). See agent/README.md, section "Windows", to install the service with WinSW under LocalService.',
  },
  serviceUnsupported: {
    vi: 'Chưa hỗ trợ cài dịch vụ trên {platform}; chạy "onestop-agent run" bằng trình quản lý dịch vụ của hệ thống.',
    en: 'Service installation is not supported on {platform}; run "onestop-agent run" under the system’s service manager.',
  },
  runtimeError: { vi: 'Lỗi: {detail}', en: 'Error: {detail}' },
  badProxy: {
    vi: 'Cấu hình proxy không dùng được: {detail}. Dùng dạng http://[tài_khoản:mật_khẩu@]máy-proxy:cổng, hoặc --proxy direct để kết nối thẳng.',
    en: 'The proxy setting cannot be used: {detail}. Use http://[user:password@]proxy-host:port, or --proxy direct for a direct connection.',
  },
  inventorySentMark: { vi: 'đã gửi', en: 'sent' },
  inventoryPendingMark: { vi: 'chờ gửi kèm báo cáo kế tiếp', en: 'goes with the next report' },
  viaProxy: { vi: 'qua proxy {proxy}', en: 'through proxy {proxy}' },
  inventorySaved: {
    vi: 'Đã kiểm kê trong {seconds} giây và lưu vào {file}; báo cáo kế tiếp của dịch vụ sẽ gửi kèm kết quả.',
    en: 'Inventory taken in {seconds} s and saved to {file}; the service’s next report will carry it.',
  },
  inventoryNotSaved: {
    vi: 'Đã kiểm kê trong {seconds} giây (máy chưa đăng ký nên kết quả không được lưu).',
    en: 'Inventory taken in {seconds} s (this PC is not enrolled, so it was not saved).',
  },
  inventorySaveFailed: {
    vi: 'Không lưu được kết quả kiểm kê vào {file}: {detail}. Chạy với quyền quản trị hoặc chọn --data-dir khác.',
    en: 'Could not save the inventory to {file}: {detail}. Run as administrator/root or choose another --data-dir.',
  },
  inventoryPartErrors: {
    vi: 'Không đọc được: {parts}.',
    en: 'Could not read: {parts}.',
  },
  inventorySummary: {
    vi: `  Máy:            {machine}
  Số sê-ri:       {serial}
  BIOS/UEFI:      {bios}
  Bo mạch chủ:    {board}
  CPU:            {cpu}
  RAM:            {ram}
  Ổ cứng:         {disks}
  Hệ điều hành:   {os}
  Card mạng:      {network}
  Màn hình:       {displays}
  Máy in:         {printers}
  Thiết bị USB:   {usb}`,
    en: `  Machine:        {machine}
  Serial number:  {serial}
  BIOS/UEFI:      {bios}
  Baseboard:      {board}
  CPU:            {cpu}
  RAM:            {ram}
  Disks:          {disks}
  OS:             {os}
  Network:        {network}
  Displays:       {displays}
  Printers:       {printers}
  USB devices:    {usb}`,
  },
} as const satisfies Record<string, { vi: string; en: string }>;

export type MsgKey = keyof typeof M;

export function t(lang: Lang, key: MsgKey, params: Record<string, string | number> = {}): string {
  return M[key][lang].replace(/\{(\w+)\}/g, (all, k: string) => (k in params ? String(params[k]) : all));
}

export function detectLang(env: Record<string, string | undefined>): Lang {
  for (const k of ['ONESTOP_LANG', 'LC_ALL', 'LC_MESSAGES', 'LANG']) {
    const v = env[k];
    if (!v) continue;
    if (/^en/i.test(v)) return 'en';
    if (/^vi/i.test(v)) return 'vi';
  }
  return 'vi';
}
