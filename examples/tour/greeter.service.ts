// #region service
import { Rpc, Service, Subscribe, WampError } from 'wservice';

@Service('greeter')
export class GreeterService {
  private greeted = 0;

  @Rpc() // procedure greeter.hello
  hello(name: string, punctuation = '!'): string {
    if (!name) throw new WampError('greeter.error.empty_name', ['name is required']);
    this.greeted += 1;
    return `Hello ${name}${punctuation}`;
  }

  @Rpc()
  count(): number {
    return this.greeted;
  }

  @Subscribe('users.created')
  welcome(user: { name: string }): void {
    console.log(`welcome, ${user.name}`);
  }
}
// #endregion service
