import { Http, Rpc, Service, WampError } from 'wservice';

export interface Book {
  isbn: string;
  title: string;
  copies: number;
}

// #region errors
/** The class says its HTTP status; callers over WAMP get the same URI. */
export class NoSuchBook extends WampError {
  static readonly httpStatus = 404;
  constructor(isbn: string) {
    super('library.error.no_such_book', [`no book ${isbn}`], { isbn });
  }
}

export class NoCopyLeft extends WampError {
  static readonly httpStatus = 409;
  constructor(isbn: string) {
    super('library.error.no_copy_left', [`every copy of ${isbn} is out`], { isbn });
  }
}
// #endregion

// #region service
@Service('library')
export class LibraryService {
  private readonly books = new Map<string, Book>([
    ['978-0441013593', { isbn: '978-0441013593', title: 'Dune', copies: 1 }],
  ]);

  @Rpc() // library.get over WAMP (and through the router's HTTP bridge) too
  @Http('GET', '/books/:isbn') // a path parameter, bound by name
  get(isbn: string): Book {
    const book = this.books.get(isbn);
    if (book === undefined) throw new NoSuchBook(isbn);
    return book;
  }

  @Http('GET', '/books') // query parameters, read as the contract's types: ?limit=5
  list(limit: number = 20, title?: string): Book[] {
    return [...this.books.values()].filter((b) => title === undefined || b.title === title).slice(0, limit);
  }

  @Http('POST', '/books', { status: 201 }) // the keys of a JSON body, by name
  add(isbn: string, title: string, copies: number = 1): Book {
    const book = { isbn, title, copies };
    this.books.set(isbn, book);
    return book;
  }

  @Http('POST', '/books/:isbn/loans') // path and body together
  lend(isbn: string, reader: string): { reader: string; left: number } {
    const book = this.get(isbn);
    if (book.copies === 0) throw new NoCopyLeft(isbn);
    book.copies -= 1;
    return { reader, left: book.copies };
  }
}
// #endregion
