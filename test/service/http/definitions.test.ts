import { Http, Service } from '../../../src';
import { createLogger } from '../../../src/logger';
import { checkConflicts } from '../../../src/service/conflicts';
import { readServiceDefinition } from '../../../src/service/metadata';
import { RouteTable } from '../../../src/service/http/routes';

describe('@Http definitions', () => {
  it('reads method, path and status into the definition', () => {
    @Service('shelf')
    class Shelf {
      @Http('PUT', '/shelves/:id/books/:isbn', { status: 202 })
      place(id: number, isbn: string): void {
        void [id, isbn];
      }
    }
    const [route] = readServiceDefinition(Shelf).routes;
    expect(route).toMatchObject({
      kind: 'http',
      method: 'place',
      httpMethod: 'PUT',
      path: '/shelves/:id/books/:isbn',
      options: { status: 202 },
    });
    expect(route.parameters.map((p) => p.name)).toEqual(['id', 'isbn']);
  });

  it.each([
    ['GOT', '/x', '@Http method must be one of GET, POST, PUT, PATCH, DELETE, got "GOT"'],
    ['GET', 'x', `@Http path must start with '/', got "x"`],
    ['GET', '/a b', '@Http path /a b: segment "a b" is neither a literal nor a :name parameter'],
    ['GET', '/x/:nope', '@Http path /x/:nope: :nope is not a parameter of the method (id)'],
    ['GET', '/x/:id/:id', '@Http path /x/:id/:id names :id twice'],
  ])('refuses %s %s naming class and method', (method, path, message) => {
    @Service('bad')
    class Bad {
      @Http(method as 'GET', path)
      get(id: string): string {
        return id;
      }
    }
    expect(() => readServiceDefinition(Bad)).toThrow(`Bad.get: ${message}`);
  });

  it('refuses a status that is not 2xx and two methods on one route', () => {
    @Service('status')
    class Status {
      @Http('GET', '/s', { status: 404 })
      get(): string {
        return '';
      }
    }
    expect(() => readServiceDefinition(Status)).toThrow(
      'Status.get: @Http status must be a 2xx integer, got 404',
    );
    @Service('twice')
    class Twice {
      @Http('GET', '/t/:a')
      one(a: string): string {
        return a;
      }
      @Http('GET', '/t/:b')
      two(b: string): string {
        return b;
      }
    }
    expect(() => readServiceDefinition(Twice)).toThrow(
      'Twice: one and two declare the same HTTP route (GET /t/:)',
    );
  });

  it('refuses two services claiming one route at start-up', () => {
    @Service('left')
    class Left {
      @Http('GET', '/same/:x')
      get(x: string): string {
        return x;
      }
    }
    @Service('right')
    class Right {
      @Http('GET', '/same/:y')
      get(y: string): string {
        return y;
      }
    }
    expect(() =>
      checkConflicts(
        [readServiceDefinition(Left), readServiceDefinition(Right)],
        createLogger({ level: 'silent' }),
      ),
    ).toThrow(/HTTP route GET \/same\/:y is claimed by two services: Left\.get \(.*\) and Right\.get/);
  });
});

describe('RouteTable', () => {
  it('matches literals before parameters, decodes parameters, lists the other methods', () => {
    const table = new RouteTable<string>();
    table.add('GET', '/a/:id', 'param');
    table.add('GET', '/a/b', 'literal');
    table.add('POST', '/a/:id', 'post');
    table.add('GET', '/', 'root');
    expect(table.match('GET', '/a/b')).toEqual({ route: 'literal', params: {} });
    expect(table.match('GET', '/a/x%2Fy')).toEqual({ route: 'param', params: { id: 'x/y' } });
    expect(table.match('GET', '/')).toEqual({ route: 'root', params: {} });
    expect(table.match('DELETE', '/a/1')).toEqual({ methods: ['GET', 'POST'] });
    expect(table.match('GET', '/a/%E0%A4%A')).toEqual({ methods: [] });
    expect(table.match('GET', '/a/')).toEqual({ methods: [] });
    table.remove('param');
    expect(table.match('GET', '/a/1')).toEqual({ methods: ['POST'] });
  });
});
