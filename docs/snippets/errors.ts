import {
  ErrorCode,
  Inject,
  RemoteErrorClass,
  Rpc,
  Service,
  ServiceRunner,
  WServiceError,
  WampError,
  rpcProxy,
  type ServiceProxy,
  type ServiceRunnerOptions,
} from 'wservice';

// #region throw
@Service('accounts')
export class AccountsService {
  private readonly balances = new Map<string, number>([['alice', 10]]);

  @Rpc()
  withdraw(account: string, amount: number): number {
    const balance = this.balances.get(account);
    if (balance === undefined) {
      // Crosses the wire as ERROR accounts.error.unknown_account, args and kwargs as given.
      throw new WampError('accounts.error.unknown_account', [`no account ${account}`], { account });
    }
    if (amount > balance) throw new InsufficientFunds(account, balance);
    this.balances.set(account, balance - amount);
    return balance - amount;
  }
}
// #endregion throw

// #region class
/** Registered for its URI: a caller that gets this error back gets an instance of this class. */
@RemoteErrorClass('accounts.error.insufficient_funds')
export class InsufficientFunds extends WampError {
  constructor(account: string, balance: number) {
    super('accounts.error.insufficient_funds', [`${account} has only ${balance}`], { account, balance });
  }
}
// #endregion class

// #region catch
@Service('atm')
export class AtmService {
  constructor(@Inject(rpcProxy('accounts')) private readonly accounts: ServiceProxy<AccountsService>) {}

  @Rpc()
  async cash(account: string, amount: number): Promise<string> {
    try {
      await this.accounts.withdraw(account, amount);
      return 'here you go';
    } catch (err) {
      if (err instanceof InsufficientFunds) return `sorry: ${err.args[0]}`;
      throw err; // anything else goes on to our caller, its URI intact
    }
  }
}
// #endregion catch

// #region codes
/** Starts services; a mistake in a service class becomes a hint, anything else is thrown on. */
export async function startOrExplain(options: ServiceRunnerOptions): Promise<ServiceRunner | string> {
  try {
    return await ServiceRunner.start(options);
  } catch (err) {
    if (err instanceof WServiceError && err.code === ErrorCode.SERVICE_DEFINITION) {
      return `fix the service class: ${err.message}`;
    }
    throw err;
  }
}
// #endregion codes
