import CSQLite
import FoundationEssentials
import Glibc

/// The request journal (issue 12): one SQLite file recording every queue request a program makes,
/// so a rerun resumes instead of paying again. WAL mode lets readers run beside a writer, and the
/// busy timeout makes a second process wait for the lock instead of failing; every write commits
/// before it returns (synchronous=FULL), so what the caller was told is on disk.
///
/// An entry is keyed by `key` (a digest of the endpoint with its path, the canonical input and the
/// result-affecting options, made on the Lua side) and `occurrence` (the n-th identical request
/// of a run). States: `intent` (about to submit), `submitted` (request id known), `completed`
/// (result stored), `failed` (error stored), `cancelled`. The API key is never written here.
public final class Journal {
  public let path: String
  private var db: OpaquePointer?
  private var statements: [String: OpaquePointer] = [:]

  /// One row of the journal.
  public struct Entry: Sendable {
    public var id: Int
    public var key: String
    public var occurrence: Int
    public var kind: String
    public var endpoint: String
    public var inputDigest: String
    public var state: String
    public var requestID: String?
    public var result: String?
    public var error: String?
    public var attempts: Int
    public var created: Double
    public var updated: Double
    /// Resubmits of an intent with no request id: the earlier submit may have reached the queue.
    public var possibleDuplicates: Int
  }

  /// Opens (creating if needed) the journal at `path`.
  public init(path: String) throws {
    self.path = path
    var handle: OpaquePointer?
    let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
    guard sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK, let handle else {
      let message = handle.map { String(cString: sqlite3_errmsg($0)) }
        ?? falua_sqlite_unavailable().map { String(cString: $0) } ?? "out of memory"
      sqlite3_close(handle)
      throw JournalError("cannot open journal \(path): \(message)")
    }
    db = handle
    // A second writer waits up to a minute for the lock (another process sharing the journal).
    sqlite3_busy_timeout(handle, 60_000)
    try executeWaiting("PRAGMA journal_mode=WAL")
    try executeWaiting("PRAGMA synchronous=FULL")
    try executeWaiting(
      """
      CREATE TABLE IF NOT EXISTS entries (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL,
        occurrence INTEGER NOT NULL,
        kind TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        input_digest TEXT NOT NULL,
        state TEXT NOT NULL,
        request_id TEXT,
        result TEXT,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 1,
        possible_duplicates INTEGER NOT NULL DEFAULT 0,
        created REAL NOT NULL,
        updated REAL NOT NULL,
        UNIQUE (key, occurrence)
      )
      """)
  }

  deinit { close() }

  /// Closes the file; later calls fail.
  public func close() {
    for statement in statements.values { sqlite3_finalize(statement) }
    statements = [:]
    if let db { sqlite3_close_v2(db) }
    db = nil
  }

  /// The entry for the `occurrence`-th request with `key`, if any.
  public func find(key: String, occurrence: Int) throws -> Entry? {
    try query("SELECT \(Self.columns) FROM entries WHERE key = ?1 AND occurrence = ?2", [key, occurrence]).first
  }

  /// Records the intent to submit (before the submit): a new entry, or an existing one reset to
  /// `intent` with one more attempt. Returns the entry's id.
  @discardableResult
  public func intent(key: String, occurrence: Int, kind: String, endpoint: String, inputDigest: String) throws -> Int {
    let now = Date().timeIntervalSince1970
    let rows = try query(
      """
      INSERT INTO entries (key, occurrence, kind, endpoint, input_digest, state, created, updated)
      VALUES (?1, ?2, ?3, ?4, ?5, 'intent', ?6, ?6)
      ON CONFLICT (key, occurrence) DO UPDATE SET state = 'intent', request_id = NULL, result = NULL,
        error = NULL, attempts = attempts + 1, updated = ?6,
        possible_duplicates = possible_duplicates + (state = 'intent')
      RETURNING \(Self.columns)
      """, [key, occurrence, kind, endpoint, inputDigest, now])
    guard let entry = rows.first else { throw JournalError("journal \(path): the intent was not recorded") }
    return entry.id
  }

  /// Records the request id the submit reply gave.
  public func submitted(id: Int, requestID: String) throws {
    try update("UPDATE entries SET state = 'submitted', request_id = ?2, updated = ?3 WHERE id = ?1",
      [id, requestID, Date().timeIntervalSince1970])
  }

  /// Records how the request ended: `completed` with its result, `failed` with its error, or
  /// `cancelled` (both JSON text).
  public func finish(id: Int, state: String, result: String?, error: String?) throws {
    try update("UPDATE entries SET state = ?2, result = ?3, error = ?4, updated = ?5 WHERE id = ?1",
      [id, state, result, error, Date().timeIntervalSince1970])
  }

  /// Every entry in `states` (all when nil), oldest first.
  public func entries(states: [String]? = nil) throws -> [Entry] {
    let all = try query("SELECT \(Self.columns) FROM entries ORDER BY id", [])
    guard let states else { return all }
    return all.filter { states.contains($0.state) }
  }

  // MARK: SQLite

  private static let columns =
    "id, key, occurrence, kind, endpoint, input_digest, state, request_id, result, error, attempts, created, updated, "
    + "possible_duplicates"

  private func message() -> String { db.map { String(cString: sqlite3_errmsg($0)) } ?? "the journal is closed" }

  /// `execute` for the set-up: two processes opening a new journal at once take locks (the switch
  /// to WAL, the schema) that SQLite may refuse at once with SQLITE_BUSY, without its busy
  /// handler; the set-up waits for them as the busy timeout would.
  private func executeWaiting(_ sql: String) throws {
    guard let db else { throw JournalError("journal \(path): closed") }
    let deadline = Date().addingTimeInterval(60)
    while true {
      let code = sqlite3_exec(db, sql, nil, nil, nil)
      if code == SQLITE_OK { return }
      let primary = code & 0xff
      guard primary == SQLITE_BUSY || primary == SQLITE_LOCKED, Date() < deadline else {
        throw JournalError("journal \(path): \(message())")
      }
      usleep(10_000)
    }
  }

  private func execute(_ sql: String) throws {
    guard let db else { throw JournalError("journal \(path): closed") }
    guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
      throw JournalError("journal \(path): \(message())")
    }
  }

  /// The prepared statement for `sql`, made once and reused.
  private func prepare(_ sql: String) throws -> OpaquePointer {
    if let statement = statements[sql] { return statement }
    guard let db else { throw JournalError("journal \(path): closed") }
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
      throw JournalError("journal \(path): \(message())")
    }
    statements[sql] = statement
    return statement
  }

  private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

  private func bind(_ statement: OpaquePointer, _ values: [Any?]) {
    sqlite3_reset(statement)
    sqlite3_clear_bindings(statement)
    for (i, value) in values.enumerated() {
      let index = Int32(i + 1)
      switch value {
      case let v as Int: sqlite3_bind_int64(statement, index, sqlite3_int64(v))
      case let v as Double: sqlite3_bind_double(statement, index, v)
      case let v as String: sqlite3_bind_text(statement, index, v, -1, Self.transient)
      default: sqlite3_bind_null(statement, index)
      }
    }
  }

  private func update(_ sql: String, _ values: [Any?]) throws {
    let statement = try prepare(sql)
    bind(statement, values)
    defer { sqlite3_reset(statement) }
    guard sqlite3_step(statement) == SQLITE_DONE else { throw JournalError("journal \(path): \(message())") }
  }

  private func query(_ sql: String, _ values: [Any?]) throws -> [Entry] {
    let statement = try prepare(sql)
    bind(statement, values)
    defer { sqlite3_reset(statement) }
    var rows: [Entry] = []
    while true {
      let step = sqlite3_step(statement)
      if step == SQLITE_DONE { break }
      guard step == SQLITE_ROW else { throw JournalError("journal \(path): \(message())") }
      func text(_ column: Int32) -> String? {
        sqlite3_column_text(statement, column).map { String(cString: $0) }
      }
      rows.append(Entry(
        id: Int(sqlite3_column_int64(statement, 0)), key: text(1) ?? "",
        occurrence: Int(sqlite3_column_int64(statement, 2)), kind: text(3) ?? "", endpoint: text(4) ?? "",
        inputDigest: text(5) ?? "", state: text(6) ?? "", requestID: text(7), result: text(8), error: text(9),
        attempts: Int(sqlite3_column_int64(statement, 10)), created: sqlite3_column_double(statement, 11),
        updated: sqlite3_column_double(statement, 12), possibleDuplicates: Int(sqlite3_column_int64(statement, 13))))
    }
    return rows
  }
}

/// A journal failure, naming the file and SQLite's reason.
public struct JournalError: Error, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
