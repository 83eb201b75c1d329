/**
 * The admin's sign-in pages: the form (an emailed, signed, single-use link), the page that link
 * opens (a button: a GET never signs anyone in). The pages behind the sign-in are admin-*.ts.
 */

import type { FieldProblem } from './http.ts';
import { dateTime, e, type Html, layout, type ProblemMap, problemMap, textInput } from './pages.ts';

export function renderSignInForm(m: {
  authority?: string;
  email?: string;
  problems?: FieldProblem[];
  /** Signed in as a unit's focal point: the admin pages need an admin's sign-in. */
  unitSession?: boolean;
  /** The admin page the person came for (a link from a mail), opened once signed in. */
  next?: string;
}): Html {
  const problems: ProblemMap = problemMap(m.problems ?? []);
  const asUnit = m.unitSession
    ? `<p class="notice">Bạn đang đăng nhập với tư cách đầu mối của đơn vị: phiên này chỉ mở được <a href="/u">trang của đơn vị</a>. Trang quản trị cần đăng nhập bằng địa chỉ email của cán bộ quản trị.</p>
`
    : '';
  return layout({
    title: 'Đăng nhập quản trị',
    ...(m.authority ? { header: m.authority } : {}),
    body: `<h1>Đăng nhập quản trị</h1>
${asUnit}${m.next ? '<p class="notice">Trang đồng chí mở cần đăng nhập; sau khi đăng nhập bằng liên kết trong email, trang đó sẽ được mở tiếp.</p>\n' : ''}<p>Nhập địa chỉ email công vụ của cán bộ quản trị (Phòng Nội vụ), hoặc của lãnh đạo Ủy ban nhân dân có tên trong kế hoạch để xem kết quả thi đua. Hệ thống gửi một liên kết đăng nhập dùng một lần, có hiệu lực 15 phút.</p>
<form method="post" action="/admin/signin" novalidate>
${m.next ? `<input type="hidden" name="next" value="${e(m.next)}">\n` : ''}${textInput({ name: 'email', label: 'Email', type: 'email', inputmode: 'email', value: m.email ?? '', problems, autocomplete: 'email', required: true, maxlength: 254 })}
<div class="actions"><button type="submit">Gửi liên kết đăng nhập</button></div>
</form>`,
  });
}

/** The same page whatever the address: nobody can learn who is an admin. */
export function renderSignInSent(m: { authority?: string }): Html {
  return layout({
    title: 'Kiểm tra hộp thư',
    ...(m.authority ? { header: m.authority } : {}),
    body: `<h1>Kiểm tra hộp thư</h1>
<div class="notice ok" role="status"><p>Nếu địa chỉ vừa nhập thuộc danh sách cán bộ quản trị hoặc lãnh đạo của phong trào, một email chứa liên kết đăng nhập đã được gửi tới địa chỉ đó. Liên kết dùng một lần và hết hạn sau 15 phút.</p></div>
<p><a href="/admin">Quay lại trang đăng nhập</a></p>`,
  });
}

export function renderSessionConfirm(m: {
  authority?: string;
  name?: string;
  expiresAt: string;
  /** A leader's link: the session opens the results pages only. */
  leader?: boolean;
}): Html {
  const where = m.leader
    ? 'xem kết quả thi đua (chỉ xem, không thay đổi được dữ liệu)'
    : 'vào trang quản trị';
  return layout({
    title: 'Xác nhận đăng nhập',
    ...(m.authority ? { header: m.authority } : {}),
    body: `<h1>Xác nhận đăng nhập</h1>
<p>${m.name ? `Kính chào đồng chí ${e(m.name)}. ` : ''}Bấm nút dưới đây để đăng nhập ${where}. Liên kết dùng một lần, hết hạn lúc ${e(dateTime(m.expiresAt))}.</p>
<form method="post" action=""><div class="actions"><button type="submit">Đăng nhập</button></div></form>`,
  });
}
