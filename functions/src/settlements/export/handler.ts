import { ConflictError } from '@huimin/domain';
import { httpHandler } from '../../lib/http';
import { loadSettlementFor, paymentCsv } from '../../use-cases/settlements';
import * as schema from './schema';

/** The payment file of an approved statement, as a download that opens in Excel with its Chinese intact. */
export const handler = httpHandler('exportSettlement', schema, async ({ actor, path }, deps) => {
  const s = await loadSettlementFor(deps, actor, path.id);
  if (s.status !== 'APPROVED') throw new ConflictError('Only an approved statement is paid', '结算单审批后方可导出支付文件');
  return { status: 200, body: paymentCsv(s), headers: { 'content-disposition': `attachment; filename="settlement-${s.month}-${s.providerId}.csv"` } };
});
