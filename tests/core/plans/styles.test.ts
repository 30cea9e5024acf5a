/**
 * Plans written the other ways Vietnamese offices write them (not the seeds): lettered items with
 * "Đơn vị chủ trì/phối hợp/Thời gian hoàn thành", a unit heading that is a whole sentence, a lead
 * named inside a paragraph, a task table in an appendix, several reporting periods in one sentence.
 * The expectations are written by hand from the texts below.
 */
import { describe, expect, it } from 'vitest';
import { extractPlan } from '../../../src/core/plans/extract';
import type { DraftTask, PlanContent } from '../../../src/core/plans/types';
import { atLocal } from '../../../src/core/time/format';

const TZ = 'Asia/Ho_Chi_Minh';
const read = (text: string) => extractPlan(text, { now: new Date('2024-01-10T01:00:00Z'), tz: TZ });
const at = (day: string) => atLocal(day, '00:00', TZ).toISOString();
const task = (p: PlanContent, start: string): DraftTask => {
  const t = p.tasks.find((x) => x.title.startsWith(start));
  if (!t) throw new Error(`no task "${start}" in ${p.tasks.map((x) => x.title).join(' | ')}`);
  return t;
};

const SO_TTTT = `UBND TỈNH QUẢNG NGÃI
SỞ THÔNG TIN VÀ TRUYỀN THÔNG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 123/KH-STTTT
Quảng Ngãi, ngày 15 tháng 3 năm 2024

KẾ HOẠCH
Triển khai công tác chuyển đổi số năm 2024

Căn cứ Quyết định số 55/QĐ-UBND ngày 12/01/2024 của UBND tỉnh về chuyển đổi số;

I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Đẩy mạnh chuyển đổi số trong các cơ quan nhà nước.
2. Yêu cầu
Các đơn vị chủ động, phối hợp chặt chẽ trong triển khai.

II. NHIỆM VỤ VÀ GIẢI PHÁP
1. Hoàn thiện thể chế
a) Xây dựng Kế hoạch chuyển đổi số của các sở, ngành
- Đơn vị chủ trì: Các sở, ban, ngành tỉnh; UBND các huyện, thị xã, thành phố.
- Thời gian hoàn thành: tháng 04/2024.
b) Ban hành quy chế quản lý, vận hành Trung tâm giám sát, điều hành thông minh
- Đơn vị chủ trì: Sở Thông tin và Truyền thông.
- Đơn vị phối hợp: Văn phòng UBND tỉnh, Công an tỉnh.
- Thời gian hoàn thành: Quý II/2024.
2. Phát triển hạ tầng số
- Nội dung: Phủ sóng di động 4G đến 100% thôn, tổ dân phố.
- Chủ trì: Sở Thông tin và Truyền thông.
- Phối hợp: Các doanh nghiệp viễn thông.
- Thời gian: Trước ngày 30/9/2024.

III. TỔ CHỨC THỰC HIỆN
1. Sở Thông tin và Truyền thông
a) Chủ trì, theo dõi, đôn đốc việc triển khai Kế hoạch.
b) Tổng hợp, báo cáo UBND tỉnh kết quả thực hiện trước ngày 15/12/2024.
2. Các sở, ban, ngành; UBND các huyện, thị xã, thành phố
- Căn cứ Kế hoạch, xây dựng kế hoạch chi tiết của đơn vị, hoàn thành trong tháng 4/2024.
- Định kỳ hằng quý (trước ngày 20 tháng cuối quý), 6 tháng (trước ngày 20/6) và năm (trước ngày 20/12) báo cáo kết quả thực hiện về Sở Thông tin và Truyền thông để tổng hợp.
3. Sở Tài chính: Tham mưu bố trí kinh phí thực hiện Kế hoạch.
Trong quá trình triển khai thực hiện, nếu có khó khăn, vướng mắc, các đơn vị phản ánh về Sở Thông tin và Truyền thông để được hướng dẫn./.

Nơi nhận:
- UBND tỉnh (b/c);
- Lưu: VT.
GIÁM ĐỐC
Nguyễn Văn A`;

const HUYEN = `ỦY BAN NHÂN DÂN
HUYỆN CHÂU THÀNH
Số: 57/KH-UBND
Châu Thành, ngày 05 tháng 01 năm 2023

KẾ HOẠCH
Tuyên truyền, phổ biến, giáo dục pháp luật năm 2023

Thực hiện Kế hoạch số 10/KH-UBND ngày 03/01/2023 của UBND tỉnh, UBND huyện ban hành Kế hoạch như sau:

I. MỤC ĐÍCH, YÊU CẦU
Nâng cao ý thức chấp hành pháp luật của cán bộ và nhân dân.

II. NỘI DUNG
1. Tổ chức Hội nghị triển khai công tác phổ biến, giáo dục pháp luật năm 2023
- Cơ quan thực hiện: Phòng Tư pháp.
- Thời gian: tháng 02/2023.
2. Tuyên truyền các văn bản pháp luật mới ban hành
Phòng Văn hóa và Thông tin chủ trì, phối hợp với Trung tâm Văn hóa - Thông tin và Thể thao huyện thực hiện thường xuyên trong năm.

III. TỔ CHỨC THỰC HIỆN
1. Phòng Tư pháp có trách nhiệm theo dõi, hướng dẫn, kiểm tra việc thực hiện Kế hoạch; tổng hợp báo cáo UBND huyện trước ngày 25/11/2023.
2. UBND các xã, thị trấn căn cứ Kế hoạch này xây dựng kế hoạch thực hiện tại địa phương; báo cáo kết quả về UBND huyện (qua Phòng Tư pháp) định kỳ 6 tháng trước ngày 10/6 và năm trước ngày 10/11.
Yêu cầu các cơ quan, đơn vị, địa phương triển khai thực hiện./.

Nơi nhận:
- UBND tỉnh;
- Lưu: VT.`;

const BANG = `UBND TỈNH BẮC KẠN
Số: 200/KH-UBND
Bắc Kạn, ngày 10 tháng 3 năm 2022

KẾ HOẠCH
Thực hiện Đề án cải cách hành chính năm 2022

I. MỤC ĐÍCH, YÊU CẦU
Bảo đảm thực hiện đồng bộ các nhiệm vụ cải cách hành chính.

II. NHIỆM VỤ
Chi tiết tại Phụ lục kèm theo Kế hoạch này.

III. TỔ CHỨC THỰC HIỆN
1. Các sở, ngành, UBND các huyện, thành phố căn cứ nhiệm vụ được giao tại Phụ lục kèm theo Kế hoạch này, chủ động triển khai thực hiện; định kỳ trước ngày 15/6 và 15/12 hằng năm báo cáo kết quả gửi Sở Nội vụ để tổng hợp.
2. Sở Nội vụ theo dõi, đôn đốc, hướng dẫn các cơ quan, đơn vị thực hiện Kế hoạch./.

Nơi nhận:
- Như trên;
- Lưu: VT.

PHỤ LỤC
DANH MỤC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2022
(Kèm theo Kế hoạch số 200/KH-UBND ngày 10/3/2022 của UBND tỉnh)
STT\tNội dung nhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian thực hiện
1\tRà soát, đánh giá thủ tục hành chính\tSở Tư pháp\tCác sở, ngành\tTháng 04/2022
2\tXây dựng Chính quyền điện tử\tSở Thông tin và Truyền thông\tVăn phòng UBND tỉnh; Sở Nội vụ\tQuý III/2022
3\tKiểm tra công tác cải cách hành chính\tSở Nội vụ\tCác sở, ngành, UBND các huyện\tHằng năm`;

const INLINE = `KẾ HOẠCH
Phòng, chống thiên tai năm 2025

I. NHIỆM VỤ
- Rà soát, cập nhật phương án ứng phó (Chủ trì: Phòng Nông nghiệp và Môi trường; phối hợp: UBND các xã; thời gian: tháng 4/2025).
- Tổ chức diễn tập cấp huyện (Đơn vị chủ trì: Ban Chỉ huy Quân sự huyện; thời gian hoàn thành: Quý III/2025).

II. TỔ CHỨC THỰC HIỆN
Phòng Tài chính - Kế hoạch:
- Tham mưu bố trí kinh phí diễn tập.
Công an huyện:
- Bảo đảm an ninh trật tự trong mùa mưa bão.`;

describe('labels written inside a bullet, and unit headings without numbers', () => {
  const p = read(INLINE);

  it('reads "(Chủ trì: …; phối hợp: …; thời gian: …)" inside one bullet', () => {
    const a = task(p, 'Rà soát, cập nhật phương án ứng phó');
    expect(a).toMatchObject({
      lead: ['Phòng Nông nghiệp và Môi trường'],
      support: ['UBND các xã'],
      due: at('2025-05-01'),
    });
    expect(task(p, 'Tổ chức diễn tập cấp huyện').due).toBe(at('2025-10-01'));
  });

  it('takes "Phòng Tài chính - Kế hoạch:" on its own line as the lead of the bullets below', () => {
    expect(task(p, 'Tham mưu bố trí kinh phí diễn tập').lead).toEqual([
      'Phòng Tài chính - Kế hoạch',
    ]);
    expect(task(p, 'Bảo đảm an ninh trật tự').lead).toEqual(['Công an huyện']);
  });
});

describe('a Sở plan with lettered items and a unit heading per task group', () => {
  const p = read(SO_TTTT);

  it('reads the heading block: the issuing body under its parent, number, place and date', () => {
    expect(p.document).toMatchObject({
      number: '123/KH-STTTT',
      issuer: 'SỞ THÔNG TIN VÀ TRUYỀN THÔNG',
      issuedOn: '2024-03-15',
      place: 'Quảng Ngãi',
      title: 'Triển khai công tác chuyển đổi số năm 2024',
    });
  });

  it('reads lettered items with chủ trì / phối hợp / thời gian lines', () => {
    const a = task(p, 'Xây dựng Kế hoạch chuyển đổi số');
    expect(a.lead).toEqual(['Các sở, ban, ngành tỉnh', 'UBND các huyện, thị xã, thành phố']);
    expect(a.due).toBe(at('2024-05-01'));
    const b = task(p, 'Ban hành quy chế');
    expect(b.lead).toEqual(['Sở Thông tin và Truyền thông']);
    expect(b.support).toEqual(['Văn phòng UBND tỉnh', 'Công an tỉnh']);
    expect(b.due).toBe(at('2024-07-01'));
    const c = task(p, 'Phát triển hạ tầng số');
    expect(c.support).toEqual(['Các doanh nghiệp viễn thông']);
    expect(c.due).toBe(at('2024-09-30'));
  });

  it('reads "Tổ chức thực hiện": sub-items, bullets and a task after the colon', () => {
    expect(task(p, 'Tổng hợp, báo cáo UBND tỉnh').due).toBe(at('2024-12-15'));
    expect(task(p, 'Căn cứ Kế hoạch, xây dựng kế hoạch chi tiết').due).toBe(at('2024-05-01'));
    expect(task(p, 'Tham mưu bố trí kinh phí').lead).toEqual(['Sở Tài chính']);
    expect(p.tasks.some((t) => t.title.startsWith('Trong quá trình'))).toBe(false);
  });

  it('reads several periods in one sentence as several requirements, each with its own date', () => {
    const periodic = p.requirements.filter((r) => r.recurrence);
    expect(periodic.map((r) => r.recurrence)).toEqual([
      { kind: 'quarterly', day: 20, monthOffset: 0 },
      { kind: 'half-yearly', secondHalf: 'half', day: 20, monthOffset: 0 },
      { kind: 'yearly', month: 12, day: 20 },
    ]);
    for (const r of periodic) {
      expect(r.units).toEqual(['Các sở, ban, ngành', 'UBND các huyện, thị xã, thành phố']);
      expect(r.to).toBe('Sở Thông tin và Truyền thông');
    }
    const once = p.requirements.filter((r) => !r.recurrence);
    expect(once).toHaveLength(1);
    expect(once[0]!.deadline).toBe(at('2024-12-15'));
    expect(once[0]!.units).toEqual(['Sở Thông tin và Truyền thông']);
  });
});

describe('a district plan whose unit headings are whole sentences', () => {
  const p = read(HUYEN);

  it('takes the lead named inside a paragraph of a content item', () => {
    const t = task(p, 'Tuyên truyền các văn bản pháp luật mới');
    expect(t.lead).toEqual(['Phòng Văn hóa và Thông tin']);
    expect(t.support).toEqual(['Trung tâm Văn hóa - Thông tin và Thể thao huyện']);
    expect(t.standing).toBe(true);
    expect(task(p, 'Tổ chức Hội nghị triển khai').due).toBe(at('2023-03-01'));
  });

  it('splits "<units> có trách nhiệm …" / "<units> căn cứ …" headings into lead and task', () => {
    const t = task(p, 'Phòng Tư pháp có trách nhiệm');
    expect(t.lead).toEqual(['Phòng Tư pháp']);
    expect(t.due).toBe(at('2023-11-25'));
    expect(task(p, 'UBND các xã, thị trấn căn cứ').lead).toEqual(['UBND các xã, thị trấn']);
  });

  it('reads "định kỳ 6 tháng trước ngày 10/6 và năm trước ngày 10/11"', () => {
    const periodic = p.requirements.filter((r) => r.recurrence);
    expect(periodic.map((r) => r.recurrence)).toEqual([
      { kind: 'half-yearly', secondHalf: 'half', day: 10, monthOffset: 0 },
      { kind: 'yearly', month: 11, day: 10 },
    ]);
    expect(periodic[0]!.units).toEqual(['UBND các xã, thị trấn']);
    const once = p.requirements.find((r) => !r.recurrence)!;
    expect(once.units).toEqual(['Phòng Tư pháp']);
  });
});

describe('a plan whose tasks are a table in its appendix', () => {
  const p = read(BANG);

  it('reads every row with its columns', () => {
    const a = task(p, 'Rà soát, đánh giá thủ tục hành chính');
    expect(a).toMatchObject({
      lead: ['Sở Tư pháp'],
      support: ['Các sở, ngành'],
      due: at('2022-05-01'),
    });
    const b = task(p, 'Xây dựng Chính quyền điện tử');
    expect(b.support).toEqual(['Văn phòng UBND tỉnh', 'Sở Nội vụ']);
    expect(b.due).toBe(at('2022-10-01'));
    const c = task(p, 'Kiểm tra công tác cải cách hành chính');
    expect(c.standing).toBe(true);
    expect(c.recurrence).toEqual({ kind: 'yearly', month: 12, day: 15 });
  });

  it('reads "trước ngày 15/6 và 15/12 hằng năm" as a half-yearly requirement', () => {
    expect(p.requirements).toHaveLength(1);
    expect(p.requirements[0]!.recurrence).toEqual({ kind: 'half-yearly', day: 15, monthOffset: 0 });
    expect(p.requirements[0]!.units).toEqual(['Các sở, ngành', 'UBND các huyện, thành phố']);
    expect(p.requirements[0]!.to).toBe('Sở Nội vụ');
  });
});
