import { Rpc, Service } from 'wservice';
import { PaymentDeclined } from './errors';

export interface Receipt {
  orderId: string;
  amount: number;
  reference: string;
}

/** Charges cards. Amounts above the limit are declined: the example's error path. */
@Service('payments')
export class PaymentsService {
  static readonly LIMIT = 15;
  private count = 0;

  @Rpc()
  async charge(orderId: string, amount: number): Promise<Receipt> {
    if (amount > PaymentsService.LIMIT)
      throw new PaymentDeclined(`amount ${amount} is over the limit`, amount);
    this.count += 1;
    return { orderId, amount, reference: `PAY-${this.count}` };
  }
}
