/** What `npm start` prints once the product serves: the addresses, the clock, what to do first. */
import { relative } from 'node:path';
import type { ProductStatus } from './control.ts';
import type { Product } from './product.ts';

/** The addresses a person needs and what to do first (printed by `npm start`). */
export function banner(product: Product, status: ProductStatus): string {
  const { url, config } = product;
  const rel = relative(process.cwd(), product.dataDir);
  const where = rel && !rel.startsWith('..') ? rel : product.dataDir;
  const lines = [
    '',
    `thidua — ${config.district.name} (${product.slug}) đang chạy trên máy này`,
    '',
    `  Trang chủ:          ${url}/`,
    `  Hộp thư, mọi email: ${url}/inbox`,
    `  Đăng nhập quản trị: ${url}/admin`,
    `    quản trị viên: ${config.admins.map((a) => a.email).join(', ')}`,
    `  Trạng thái JSON:    ${url}/local/status`,
    '',
    `  Đồng hồ (múi giờ ${status.clock.timeZone}): ${status.clock.local}`,
    status.nextEvent
      ? `  Sự kiện tiếp theo: ${status.nextEvent.local} — ${status.nextEvent.description}`
      : '  Chưa có sự kiện nào được lên lịch.',
    `  Dữ liệu: ${where}`,
    `  Sẵn sàng sau ${(product.readyAfterMs / 1000).toFixed(1)} s, bộ nhớ ${Math.round(process.memoryUsage().rss / 1_048_576)} MB`,
  ];
  if (product.resumed.length > 0) {
    lines.push(`  Đã chạy tiếp ${product.resumed.length} quy trình chưa xong: ${product.resumed.join(', ')}`);
  }
  lines.push('');
  if (!status.launched) {
    lines.push(
      'Bước đầu tiên: mở trang chủ và bấm "Phát động phong trào", hoặc chạy `npm start -- launch`.',
      '  (Open the home page and press "launch", or run `npm start -- launch` in another terminal.)',
      'Sau đó: đọc email trong hộp thư, bấm "Chuyển đến sự kiện tiếp theo" (`npm start -- advance`) để mở kỳ báo cáo,',
      'và làm theo các liên kết trong email như đơn vị, người thẩm định, hội đồng.',
      '  (Then read the inbox, move the clock to the next event to open a period, and follow the links in the emails.)',
    );
  } else {
    lines.push(
      'Tiếp tục: làm theo các liên kết trong hộp thư; `npm start -- advance` chuyển đồng hồ đến sự kiện tiếp theo.',
      '  (Follow the links in the inbox; `npm start -- advance` moves the clock to the next event.)',
    );
  }
  lines.push('Dừng: Ctrl+C — dữ liệu, lịch và đồng hồ được giữ lại.', '');
  return lines.join('\n');
}
