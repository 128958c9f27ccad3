/**
 * Vietnamese: the UI's first language and the shape every other language must match (`Dict`).
 * Every string a person reads in the web UI lives here (and in en.ts). Sections follow the pages;
 * phase-2 pages add their own section (queue, tickets, approvals, fleet, matrix, policy) the same way.
 * Functions take the values they interpolate; the caller never concatenates translated fragments.
 */
import type { DeviceStatus, PeripheralKind, Role, TicketStatus } from '../../../shared/enums.js';

export const vi = {
  meta: { htmlLang: 'vi' },

  app: {
    name: 'OneStop Care',
    tagline: 'Theo dõi thiết bị và sửa chữa tại Bộ phận Một cửa',
    footer: 'Hệ thống theo dõi thiết bị Bộ phận Một cửa. Giờ hiển thị theo giờ Việt Nam (GMT+7).',
  },

  common: {
    save: 'Lưu',
    create: 'Tạo',
    cancel: 'Hủy',
    back: 'Quay lại',
    search: 'Tìm',
    clearSearch: 'Xóa tìm kiếm',
    nextPage: 'Trang sau',
    firstPage: 'Về trang đầu',
    pagination: 'Phân trang',
    actions: 'Thao tác',
    details: 'Chi tiết',
    none: 'Không có',
    optional: 'không bắt buộc',
    required: 'bắt buộc',
    copy: 'Sao chép',
    copied: 'Đã sao chép',
    copyFailed: 'Không sao chép được; hãy chọn nội dung và sao chép thủ công (Ctrl+C).',
    formHasErrors: 'Chưa lưu được. Hãy sửa các ô được đánh dấu bên dưới rồi gửi lại.',
    skipToContent: 'Bỏ qua, đến nội dung chính',
    code: 'Mã',
    name: 'Tên',
    level: 'Cấp',
    unit: 'Đơn vị',
    createdAt: 'Ngày tạo',
    createdBy: 'Người tạo',
    status: 'Trạng thái',
    breadcrumbs: 'Vị trí',
    itemsOnPage: (n: number) => `${n} mục trên trang này`,
    total: (n: number) => `Tổng số: ${n}`,
  },

  /** Messages next to a form field that was not accepted. */
  forms: {
    required: 'Hãy nhập ô này.',
    notANumber: 'Hãy nhập một số (chỉ gồm chữ số).',
    wholeNumber: 'Hãy nhập một số nguyên.',
    atLeast: (n: string) => `Giá trị nhỏ nhất là ${n}.`,
    atMost: (n: string) => `Giá trị lớn nhất là ${n}.`,
    minLength: (n: number) => `Cần ít nhất ${n} ký tự.`,
    maxLength: (n: number) => `Tối đa ${n} ký tự.`,
    badFormat: 'Chưa đúng định dạng; xem hướng dẫn phía trên ô.',
    chooseFromList: 'Hãy chọn một giá trị trong danh sách.',
    invalid: 'Giá trị chưa hợp lệ.',
    seeSummary: 'Xem giải thích ở đầu biểu mẫu.',
  },

  nav: {
    main: 'Điều hướng chính',
    home: 'Trang chủ',
    queue: 'Hàng đợi',
    approvals: 'Phê duyệt',
    fleet: 'Thiết bị',
    matrix: 'Ma trận phân cấp',
    admin: 'Quản trị',
    adminSection: 'Các mục quản trị',
    units: 'Đơn vị',
    users: 'Người dùng',
    enrollment: 'Mã đăng ký máy trạm',
    policy: 'Chính sách kiểm tra',
  },

  header: {
    signedInAs: 'Đang đăng nhập',
    signOut: 'Đăng xuất',
    language: 'Ngôn ngữ',
    scope: 'Phạm vi',
    moreRoles: (n: number) => `và ${n} vai trò khác`,
  },

  auth: {
    title: 'Đăng nhập',
    intro: 'Dành cho cán bộ CNTT, lãnh đạo đơn vị và quản trị viên.',
    username: 'Tên đăng nhập',
    password: 'Mật khẩu',
    submit: 'Đăng nhập',
    wrongCredentials: 'Tên đăng nhập hoặc mật khẩu không đúng. Hãy kiểm tra lại (chú ý phím Caps Lock).',
    throttled: (minutes: number) =>
      `Đăng nhập sai quá nhiều lần. Hãy thử lại sau ${minutes} phút, hoặc liên hệ quản trị viên để được hỗ trợ.`,
    signedOut: 'Bạn đã đăng xuất.',
    sessionExpired: 'Phiên làm việc đã hết hạn. Hãy đăng nhập lại.',
    signInToContinue: 'Hãy đăng nhập để tiếp tục.',
    forgotHint: 'Quên mật khẩu? Hãy liên hệ quản trị viên của đơn vị.',
  },

  home: {
    title: 'Trang chủ',
    greeting: (name: string) => `Xin chào, ${name}`,
    yourRoles: 'Vai trò của bạn',
    noRoles: 'Tài khoản chưa được cấp vai trò nào, nên chưa xem được đơn vị nào. Hãy liên hệ quản trị viên.',
    roleAt: (role: string, unit: string) => `${role} tại ${unit}`,
    deputyUntil: (date: string) => `thay thế đến ${date}`,
    unitsInScope: 'Đơn vị trong phạm vi',
    unitsByLevel: 'Theo cấp',
    usersInScope: 'Người dùng',
    activeTokens: 'Mã đăng ký còn hiệu lực',
    quickActions: 'Việc thường làm',
    actionCreateUnit: 'Thêm đơn vị',
    actionCreateUser: 'Thêm người dùng',
    actionCreateToken: 'Tạo mã đăng ký máy trạm',
    actionBrowseUnits: 'Xem cây đơn vị',
  },

  units: {
    title: 'Đơn vị',
    treeTitle: 'Cây đơn vị',
    intro:
      'Các đơn vị trong phạm vi của bạn. Chọn một đơn vị để xem đơn vị trực thuộc, người dùng và mã đăng ký.',
    children: 'Đơn vị trực thuộc',
    childCount: (n: number) => (n === 0 ? 'không có đơn vị trực thuộc' : `${n} đơn vị trực thuộc`),
    noChildren: 'Đơn vị này chưa có đơn vị trực thuộc.',
    noChildrenAdmin: 'Đơn vị này chưa có đơn vị trực thuộc. Bấm “Thêm đơn vị trực thuộc” để tạo.',
    noUnits: 'Bạn chưa có quyền xem đơn vị nào. Hãy liên hệ quản trị viên để được cấp vai trò.',
    searchLabel: 'Tìm theo tên hoặc mã đơn vị',
    searchPlaceholder: 'Ví dụ: Ba Đình hoặc 00004',
    searchResults: (q: string) => `Kết quả tìm “${q}”`,
    noResults: (q: string) =>
      `Không có đơn vị nào khớp “${q}” trong phạm vi của bạn. Hãy thử tên ngắn hơn hoặc mã đơn vị.`,
    create: 'Thêm đơn vị',
    createChild: 'Thêm đơn vị trực thuộc',
    createTitle: 'Thêm đơn vị',
    createIntro: 'Đơn vị mới nằm dưới đơn vị cha và phải ở cấp thấp hơn cấp của đơn vị cha.',
    created: (name: string) => `Đã thêm đơn vị “${name}”.`,
    parent: 'Đơn vị cha',
    parentHint: 'Mã của đơn vị cấp trên, ví dụ HN.',
    code: 'Mã đơn vị',
    codeHint:
      'Chữ cái, chữ số, “.”, “_” hoặc “-”, bắt đầu bằng chữ cái hoặc chữ số, tối đa 32 ký tự. Ví dụ mã thống kê 00004.',
    name: 'Tên đơn vị',
    nameHint: 'Tên đầy đủ có dấu, ví dụ “Phường Ba Đình”. Tối đa 200 ký tự.',
    level: 'Cấp',
    levelHint: 'Phải thấp hơn cấp của đơn vị cha.',
    areaM2: 'Diện tích Bộ phận Một cửa (m²)',
    officers: 'Số cán bộ tiếp nhận',
    digitizingOfficers: 'Số cán bộ số hóa',
    detailsTitle: 'Thông tin đơn vị',
    people: 'Người được giao vai trò tại đơn vị',
    noPeople: 'Chưa có ai được giao vai trò tại đơn vị này.',
    noPeopleAdmin:
      'Chưa có ai được giao vai trò tại đơn vị này. Hãy thêm người dùng và giao vai trò tại mã đơn vị này.',
    tokens: 'Mã đăng ký máy trạm',
    path: 'Thuộc',
    root: 'Đơn vị gốc',
  },

  users: {
    title: 'Người dùng',
    intro: 'Người dùng có vai trò tại các đơn vị trong phạm vi quản trị của bạn.',
    create: 'Thêm người dùng',
    createTitle: 'Thêm người dùng',
    createIntro:
      'Mỗi vai trò được giao tại một đơn vị. Cán bộ CNTT, người theo dõi và quản trị viên có quyền với cả các đơn vị trực thuộc; lãnh đạo đơn vị chỉ phê duyệt tại chính đơn vị đó.',
    created: (username: string) => `Đã thêm người dùng “${username}”.`,
    username: 'Tên đăng nhập',
    usernameHint: 'Từ 3 đến 64 ký tự: chữ cái không dấu, chữ số, “.”, “_”, “@” hoặc “-”.',
    displayName: 'Họ và tên',
    displayNameHint: 'Tên hiển thị trên phiếu và phê duyệt, ví dụ “Nguyễn Thị Hương”.',
    password: 'Mật khẩu ban đầu',
    passwordHint: 'Ít nhất 8 ký tự. Nên dùng một cụm từ dễ nhớ; hãy trao mật khẩu trực tiếp cho người dùng.',
    roles: 'Vai trò',
    rolesHint: 'Chọn vai trò và nhập mã đơn vị. Để trống những dòng không dùng.',
    role: 'Vai trò',
    roleNone: '— không chọn —',
    roleUnit: 'Tại đơn vị (mã)',
    noRoles: 'Chưa có vai trò',
    disabled: 'Đã khóa',
    active: 'Đang hoạt động',
    noUsers: 'Chưa có người dùng nào trong phạm vi của bạn. Bấm “Thêm người dùng” để tạo tài khoản đầu tiên.',
  },

  enrollment: {
    title: 'Mã đăng ký máy trạm',
    intro:
      'Máy tính tại quầy Một cửa dùng mã đăng ký để kết nối lần đầu với máy chủ. Mã chỉ hiển thị một lần khi tạo.',
    create: 'Tạo mã đăng ký',
    createFor: (unit: string) => `Tạo mã đăng ký cho ${unit}`,
    unitCode: 'Mã đơn vị',
    unitCodeHint: 'Máy trạm đăng ký bằng mã này sẽ thuộc đơn vị này.',
    expiresInHours: 'Hiệu lực (giờ)',
    expiresInHoursHint: 'Từ 1 đến 720 giờ; mặc định 72 giờ (3 ngày).',
    maxUses: 'Số máy tối đa',
    maxUsesHint: 'Số máy trạm được đăng ký bằng mã này, từ 1 đến 10.000.',
    revealTitle: 'Mã đăng ký vừa tạo',
    revealWarning: 'Mã chỉ hiển thị MỘT LẦN. Hãy sao chép ngay; khi rời trang này, mã sẽ không xem lại được.',
    revealFor: (unit: string, uses: number, expires: string) =>
      `Cho đơn vị ${unit} · tối đa ${uses} máy · hết hạn ${expires}`,
    tokenLabel: 'Mã đăng ký',
    commandLabel: 'Lệnh chạy trên máy trạm (quyền quản trị)',
    commandHint:
      'Cài đặt tác tử onestop-agent trên máy trạm, rồi chạy lệnh sau trong cửa sổ dòng lệnh với quyền quản trị.',
    list: 'Các mã đã tạo',
    noTokens: 'Chưa có mã đăng ký nào. Tạo mã, rồi chạy lệnh hiển thị trên từng máy trạm tại quầy.',
    uses: 'Đã dùng',
    usesOf: (used: number, max: number) => `${used}/${max}`,
    expiresAt: 'Hết hạn',
    state: {
      active: 'Còn hiệu lực',
      expired: 'Hết hạn',
      usedUp: 'Đã dùng hết',
      revoked: 'Đã thu hồi',
    },
  },

  roles: {
    admin: 'Quản trị viên',
    it_staff: 'Cán bộ CNTT',
    unit_head: 'Lãnh đạo đơn vị',
    viewer: 'Người theo dõi',
  } satisfies Record<Role, string>,

  /** Names of the organisation levels the default matrices use; other levels show their key. */
  levels: {
    city: 'Tỉnh/Thành phố',
    district: 'Quận/Huyện',
    commune: 'Xã/Phường',
  },

  ticketStatus: {
    open: 'Mới',
    acknowledged: 'Đã tiếp nhận',
    in_progress: 'Đang xử lý',
    awaiting_approval: 'Chờ phê duyệt',
    approved: 'Đã phê duyệt',
    rejected: 'Bị từ chối',
    resolved: 'Đã khắc phục',
    closed: 'Đã đóng',
    waiting_parts: 'Chờ linh kiện',
  } satisfies Record<TicketStatus, string>,

  /** Severities and categories are matrix data; these name the default matrix's values. */
  severity: {
    critical: 'Nghiêm trọng',
    major: 'Cao',
    minor: 'Thấp',
  },

  category: {
    hardware: 'Phần cứng',
    peripheral: 'Thiết bị ngoại vi',
    network: 'Mạng',
    software: 'Phần mềm',
    upstream: 'Hệ thống dùng chung',
  },

  deviceStatus: {
    ok: 'Bình thường',
    degraded: 'Suy giảm',
    silent: 'Mất liên lạc',
    maintenance: 'Đang bảo trì',
  } satisfies Record<DeviceStatus, string>,

  peripheralKind: {
    scanner: 'Máy quét',
    printer: 'Máy in',
    camera: 'Camera',
    queue_machine: 'Máy lấy số thứ tự',
    rating_device: 'Thiết bị đánh giá mức độ hài lòng',
    display: 'Màn hình',
    card_reader: 'Đầu đọc thẻ CCCD',
    other: 'Thiết bị khác',
  } satisfies Record<PeripheralKind, string>,

  time: {
    days: (n: number) => `${n} ngày`,
    hours: (n: number) => `${n} giờ`,
    minutes: (n: number) => `${n} phút`,
    lessThanMinute: 'dưới 1 phút',
    remaining: (d: string) => `còn ${d}`,
    overdue: (d: string) => `quá hạn ${d}`,
    timezoneNote: 'Giờ Việt Nam',
  },

  errors: {
    notFoundTitle: 'Không tìm thấy trang',
    notFound: 'Trang hoặc mục bạn tìm không tồn tại, hoặc nằm ngoài phạm vi của bạn.',
    forbiddenTitle: 'Không có quyền',
    forbidden: 'Vai trò của bạn không cho phép thao tác này ở đơn vị này.',
    csrfTitle: 'Biểu mẫu không hợp lệ',
    csrf: 'Biểu mẫu đã hết hạn hoặc không được gửi từ trang này. Hãy quay lại, tải lại trang rồi gửi lại.',
    conflictTitle: 'Xung đột dữ liệu',
    invalidTitle: 'Dữ liệu không hợp lệ',
    tooManyTitle: 'Quá nhiều yêu cầu',
    serverTitle: 'Lỗi máy chủ',
    server: (requestId: string) =>
      `Đã có lỗi ở máy chủ. Hãy thử lại sau ít phút; nếu vẫn lỗi, báo quản trị viên mã yêu cầu ${requestId}.`,
    unsupportedForm: 'Biểu mẫu gửi lên không đúng định dạng. Hãy tải lại trang và gửi lại.',
    tooLarge: 'Dữ liệu gửi lên quá lớn.',
    goHome: 'Về trang chủ',
    goBack: 'Quay lại trang trước',
  },
};

/** The shape every language must have: a missing or extra key in en.ts is a compile error. */
export type Dict = typeof vi;
