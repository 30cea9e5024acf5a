/**
 * Words of the API reference: the OpenAPI document's shared parts and the /api/docs page. Each
 * operation's own summary sits next to its route.
 */
export const apiDocs = {
  title: 'API Điều phối',
  description:
    'API quản trị của Điều phối: đơn vị, sự kiện, yêu cầu báo cáo, thông báo, kế hoạch và nhiệm vụ. Thời điểm là ISO 8601 có múi giờ; khoảng thời gian là ISO 8601 (`P1D`, `PT15M`). Mọi lỗi có dạng `{"error":{"code","message","field?"}}`, thông điệp tiếng Việt; thân yêu cầu sai trả 400 nêu tên trường.',
  bearer: 'Mã quản trị ADMIN_TOKEN: `Authorization: Bearer <ADMIN_TOKEN>`.',
  session:
    'Phiên đăng nhập trang quản trị (cookie): chỉ dùng được để đọc tài liệu API (/api/docs, /api/openapi.json).',
  errorCode: 'Mã lỗi ổn định, để máy đọc (ví dụ invalid_body, not_found).',
  errorMessage: 'Thông điệp tiếng Việt cho người đọc.',
  errorField: 'Trường bị lỗi, dạng "[3].name" hoặc "agenda[0].startsAt".',
  badRequest: 'Thân yêu cầu hoặc tham số không hợp lệ (JSON hỏng, sai kiểu, thiếu trường).',
  unauthorized: 'Thiếu hoặc sai mã truy cập.',
  notFound: 'Không có đối tượng với mã hoặc số này.',
  tooLarge: 'Nội dung gửi lên quá lớn (tối đa 5 MiB).',
  otherError:
    'Lỗi khác, cùng dạng: 409 xung đột trạng thái, 415 định dạng không hỗ trợ, 422 không xử lý được, 500 lỗi hệ thống.',
  ok: 'Thành công (JSON).',
  file: 'Tệp tải về.',
  idParam: 'Số thứ tự (số nguyên dương).',
  codeParam: 'Mã đơn vị.',
  page: {
    heading: 'Tài liệu API',
    intro: 'Tài liệu đọc từ chính các lược đồ kiểm tra yêu cầu. Bản máy đọc:',
    auth: 'Xác thực',
    parameters: 'Tham số',
    body: 'Nội dung gửi lên',
    responses: 'Kết quả',
    required: 'bắt buộc',
    optional: 'không bắt buộc',
    schemaJson: 'Lược đồ JSON',
    contents: 'Mục lục',
    anyValue: 'bất kỳ',
    oneOf: 'một trong',
    listOf: 'danh sách',
    object: 'đối tượng',
    nullable: 'hoặc null',
    defaultValue: 'mặc định',
    chars: 'ký tự',
  },
};
