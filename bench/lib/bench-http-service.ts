import { Http, Service } from '../../src';

/**
 * The `@Http` side of the HTTP rows: `POST /echo` with `{"text": "hello world"}` answers the
 * text as JSON, the work `bench.echo` does over the bridge and the plain `node:http` handler
 * does by hand (read the body, parse it, check the argument, answer JSON).
 */
@Service('bench_http')
export class BenchHttpService {
  @Http('POST', '/echo')
  echo(text: string): string {
    return text;
  }
}
