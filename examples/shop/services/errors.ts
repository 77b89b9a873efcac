import { RemoteErrorClass, WampError } from 'wservice';

/** A card was refused. Registered, so callers get this class back, not a plain RemoteError. */
@RemoteErrorClass('payments.error.declined')
export class PaymentDeclined extends WampError {
  constructor(reason: string, amount: number) {
    super('payments.error.declined', [reason], { amount });
  }
}

/** Not enough of an item in stock. */
@RemoteErrorClass('inventory.error.out_of_stock')
export class OutOfStock extends WampError {
  constructor(sku: string, available: number) {
    super('inventory.error.out_of_stock', [`only ${available} of ${sku} left`], { sku, available });
  }
}
