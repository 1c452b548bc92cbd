import { idPathSchema } from '@huimin/domain';
import { z } from 'zod';

export const request = { path: idPathSchema };
export const response = z.string().describe('The payment file: CSV, UTF-8 with a byte-order mark, CRLF, amounts in yuan / 支付文件');
export const contentType = 'text/csv; charset=utf-8';
