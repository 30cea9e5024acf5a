/**
 * Demo and fixture data from seed 000: the Đồng Tháp plan for the 2024 training course on
 * foreign-information work and press spokesmanship (Kế hoạch … /KH-UBND, tháng 9/2024).
 * The two appendix texts are copied verbatim from the seed (tabs written as \t so editors
 * cannot strip the trailing ones); the units and agenda are what the parsers make of them.
 */
import { parseAgendaText, type AgendaItemInput } from '../core/agenda/parse';
import { parseAppendixUnits, type UnitInput } from '../core/units/import';

/** Phụ lục 1 — Danh sách tham dự (124 units under 10 ALL-CAPS headings). */
export const SEED000_APPENDIX_TEXT = `Phụ lục 1
DANH SÁCH THAM DỰ LỚP TẬP HUẤN
CÔNG TÁC THÔNG TIN ĐỐI NGOẠI VÀ KỸ NĂNG PHÁT NGÔN,
CUNG CẤP THÔNG TIN CHO BÁO CHÍ NĂM 2024
(Kèm theo Kế hoạch số /KH-UBND ngày tháng 9 năm 2024
của Ủy ban nhân dân Tỉnh)

CÁC CƠ QUAN THAM MUÙ, GIÚP VIỆC THUỘC TỈNH ỦY\t\t\t
01\tLãnh đạo Văn phòng Tỉnh ủy\t02\tLãnh đạo Đảng ủy Khối các cơ quan Tỉnh
03\tLãnh đạo Ủy ban Kiểm tra Tỉnh ủy\t04\tLãnh đạo Ban Dân vận Tỉnh ủy
05\tLãnh đạo Ban Tổ chức Tỉnh ủy\t06\tLãnh đạo Ban Nội chính Tỉnh ủy
07\tLãnh đạo Ban Tuyên giáo Tỉnh ủy\t08\tLãnh đạo Trường Chính trị Tỉnh
CÁC SỞ, BAN, NGÀNH TỈNH\t\t\t
09\tVăn phòng UBND Tỉnh\t10\tSở Y tế
11\tSở Thông tin và Truyền thông\t12\tSở Lao động - Thương binh và Xã hội
13\tSở Giáo dục và Đào tạo\t14\tSở Nông nghiệp và Phát triển nông thôn
15\tSở Công Thương\t16\tSở Giao thông vận tải
17\tSở Xây dựng\t18\tSở Khoa học và Công nghệ
19\tSở Tài nguyên và Môi trường\t20\tTòa án nhân dân Tỉnh
21\tSở Tư pháp\t22\tCục Thống kê
23\tViện Kiểm sát nhân dân Tỉnh\t24\tCục Hải quan
25\tCục Thuế\t26\tKho bạc Nhà nước
27\tNgân hàng Nhà nước\t28\tCông an Tỉnh
29\tBộ Chỉ huy Quân sự\t30\tBộ Chỉ huy Bộ đội Biên phòng
31\tVăn phòng Đoàn ĐBQH&HĐND\t32\tVườn Quốc gia Tràm Chim
33\tBan Quản lý Khu Kinh tế\t34\tBảo hiểm Xã hội
35\tSở Tài chính\t36\tSở Kế hoạch và Đầu tư
37\tSở Nội vụ\t38\tThanh tra Tỉnh
39\tBan Quản lý Dự án Đầu tư Xây dựng Công trình Nông nghiệp và PTNT\t40\tSở Ngoại vụ
41\tQuỹ Đầu tư Phát triển\t42\tSở Văn hóa, Thể thao và Du lịch
43\tTrung tâm Xúc tiến Thương mại, Du lịch và Đầu tư\t44\tNgân hàng Chính sách xã hội
45\tBan Quản lý Dự án Đầu tư Xây dựng Công trình Dân dụng và Công nghiệp\t46\tBan Quản lý Dự án Đầu tư Xây dựng Công trình Giao thông

CÁC TỔ CHỨC CHÍNH TRỊ - XÃ HỘI TỈNH\t\t\t
47\tHội Liên hiệp Văn học Nghệ thuật\t48\tHội Cựu chiến binh
49\tLiên hiệp các Hội khoa học kỹ thuật\t50\tỦy ban Mặt trận Tổ quốc Việt Nam
51\tHội Nông dân\t52\tHội Liên hiệp Phụ nữ
53\tHội Chữ Thập đỏ\t54\tĐoàn TNCS Hồ Chí Minh
55\tLiên đoàn Lao động\t56\tLiên hiệp các Tổ chức Hữu nghị
57\tLiên minh Hợp tác xã\t58\tCông đoàn Viên chức
BAN TUYÊN GIÁO HUYỆN ỦY, THÀNH ỦY\t\t\t
59\tThành phố Cao Lãnh\t60\tThành phố Sa Đéc
61\tHuyện Tân Hồng\t62\tHuyện Hồng Ngự
63\tThành phố Hồng Ngự\t64\tHuyện Tam Nông
65\tHuyện Thanh Bình\t66\tHuyện Cao Lãnh
67\tHuyện Tháp Mười\t68\tHuyện Châu Thành
69\tHuyện Lấp Vò\t70\tHuyện Lai Vung
ỦY BAN NHÂN DÂN HUYỆN, THÀNH PHỐ\t\t\t
71\tThành phố Cao Lãnh\t72\tThành phố Sa Đéc
73\tHuyện Tân Hồng\t74\tHuyện Hồng Ngự
75\tThành phố Hồng Ngự\t76\tHuyện Tam Nông
77\tHuyện Thanh Bình\t78\tHuyện Cao Lãnh
79\tHuyện Tháp Mười\t80\tHuyện Châu Thành
81\tHuyện Lấp Vò\t82\tHuyện Lai Vung
CƠ QUAN BÁO CHÍ, TRUYỀN THÔNG\t\t\t
83\tHội Nhà báo\t84\tBáo Đồng Tháp
85\tĐài Phát thanh và Truyền hình Đồng Tháp\t86\tCổng Thông tin điện tử Đồng Tháp
87\tTạp chí Văn nghệ Đồng Tháp\t88\tPhóng viên Cơ quan Thường trú Thông tấn xã Việt Nam tại Đồng Tháp
89\tPhóng viên Báo Nhân dân\t90\tPhóng viên Báo Thanh niên
91\tPhóng viên Báo Tuổi trẻ\t92\tPhóng viên Báo Điện tử VnExpress
PHÒNG VĂN HÓA - THÔNG TIN HUYỆN, THÀNH PHỐ\t\t\t
93\tThành phố Cao Lãnh\t94\tThành phố Sa Đéc
95\tHuyện Tân Hồng\t96\tHuyện Hồng Ngự
97\tThành phố Hồng Ngự\t98\tHuyện Tam Nông

99\tHuyện Thanh Bình\t100\tHuyện Cao Lãnh
101\tHuyện Tháp Mười\t102\tHuyện Châu Thành
103\tHuyện Lấp Vò\t104\tHuyện Lai Vung
TRUNG TÂM VĂN HOÁ, THỂ THAO VÀ TRUYỀN THANH HUYỆN, THÀNH PHỐ\t\t\t
105\tThành phố Cao Lãnh\t106\tThành phố Sa Đéc
107\tHuyện Tân Hồng\t108\tHuyện Hồng Ngự
109\tThành phố Hồng Ngự\t110\tHuyện Tam Nông
111\tHuyện Thanh Bình\t112\tHuyện Cao Lãnh
113\tHuyện Tháp Mười\t114\tHuyện Châu Thành
115\tHuyện Lấp Vò\t116\tHuyện Lai Vung
CÁC TRƯỜNG ĐẠI HỌC, CAO ĐẲNG VÀ BỆNH VIỆN\t\t\t
117\tTrường Đại học Đồng Tháp\t118\tTrường Cao đẳng Cộng đồng Đồng Tháp
119\tTrường Cao đẳng Y tế Đồng Tháp\t120\tBệnh viện Đa khoa Đồng Tháp
121\tBệnh viện Y học cổ truyền Đồng Tháp\t122\tBệnh viện Quân Dân Y Đồng Tháp
123\tBệnh viện Phục hồi Chức năng\t\t
ỦY BAN NHÂN DÂN CẤP XÃ\t\t\t
124\tChủ tịch UBND cấp xã\t\t`;

/** Phụ lục 2 — Chương trình tập huấn (one day, morning and afternoon). */
export const SEED000_AGENDA_TEXT = `Phụ lục 2
CHƯƠNG TRÌNH TẬP HUẤN CÔNG TÁC THÔNG TIN
ĐỐI NGOẠI VÀ KỸ NĂNG PHÁT NGÔN, CUNG CẤP THÔNG TIN
CHO BÁO CHÍ NĂM 2024

(Kèm theo Kế hoạch số /KH-UBND ngày tháng 9 năm 2024
của Ủy ban nhân dân Tỉnh)

THỜI GIAN\t\tNỘI DUNG\tTHỰC HIỆN
Sáng\t7h30' - 8h00'\tĐón tiếp đại biểu, học viên\tBan tổ chức
\t8h00' - 8h15'\tTuyên bố lý do, giới thiệu đại biểu\tSở Thông tin và Truyền thông
\t8h15' - 8h30'\tPhát biểu khai mạc Lớp tập huấn\tLãnh đạo UBND Tỉnh
\t8h30' - 9h30'\tChuyên đề 1: “Phát ngôn, cung cấp thông tin ứng xử với báo chí truyền thông”\t- Lãnh đạo Cục Báo chí, Bộ Thông tin và Truyền thông truyền đạt. - Bộ phận trình chiếu Slide và phụ trách âm thanh
\t9h30' - 9h45'\tGiải lao\t
\t9h45' - 10h50'\tTiếp tục Chuyên đề 1: “Phát ngôn, cung cấp thông tin ứng xử với báo chí truyền thông”\t- Lãnh đạo Cục Báo chí, Bộ Thông tin và Truyền thông truyền đạt. - Bộ phận trình chiếu Slide và phụ trách âm thanh
\t10h50' - 11h30'\tGiải đáp các câu hỏi của các đại biểu, học viên tham dự tập huấn\tLãnh đạo Cục Báo chí, Bộ Thông tin và Truyền thông
Chiều\t14h - 15h30'\tChuyên đề 2: “Công tác thông tin đối ngoại và phòng chống thông tin xấu, độc trong tình hình mới”\t- Lãnh đạo Ban Tuyên giáo Tỉnh ủy truyền đạt. - Bộ phận trình chiếu Slide và phụ trách âm thanh
\t15h30' - 15h45'\tGiải lao\t
\t15h45' - 16h20'\tGiải đáp các câu hỏi của các đại biểu, học viên tham dự tập huấn\tLãnh đạo Ban Tuyên giáo Tỉnh ủy
\t16h20' - 16h30'\tPhát biểu cảm ơn và bế mạc\tSở Thông tin và Truyền thông`;

/** The invited units of seed 000, as `PUT /api/units` takes them. */
export function seed000Units(): UnitInput[] {
  return parseAppendixUnits(SEED000_APPENDIX_TEXT);
}

export interface DemoEvent {
  title: string;
  /** Local date (Asia/Ho_Chi_Minh), YYYY-MM-DD. */
  date: string;
  /** First and last agenda times as ISO 8601 instants with the +07:00 offset. */
  startsAt: string;
  endsAt: string;
  venue: string;
  mode: string;
  agenda: AgendaItemInput[];
}

const agenda = parseAgendaText(SEED000_AGENDA_TEXT);
const date = '2024-09-27';
const first = agenda[0];
const last = agenda[agenda.length - 1];

export const seed000Event: DemoEvent = {
  title:
    'Lớp tập huấn công tác thông tin đối ngoại và kỹ năng phát ngôn, cung cấp thông tin cho báo chí năm 2024',
  date,
  startsAt: `${date}T${first?.startsAt ?? '07:30'}:00+07:00`,
  endsAt: `${date}T${last?.endsAt ?? last?.startsAt ?? '17:00'}:00+07:00`,
  venue: 'Hội trường UBND tỉnh Đồng Tháp (Số 12 đường 30/4, Phường 1, thành phố Cao Lãnh)',
  mode: 'Trực tiếp kết hợp trực tuyến',
  agenda,
};
