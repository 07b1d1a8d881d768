import FalJournal
import LuaKit

// The request journal (stdlib/fal/journal.lua decides what to record; FalJournal stores it). The
// calls are synchronous on the loop thread: a commit takes milliseconds, and it must be on disk
// before the script goes on (a request id recorded after the process died is no use).
extension CoreBindings {
  /// The runtime's one open journal.
  private final class JournalBox { var journal: Journal? }

  /// `journal_open`, `journal_close`, `journal_find`, `journal_intent`, `journal_submitted`,
  /// `journal_finish`, `journal_entries`.
  static func registerJournal(_ lua: Lua) {
    let box = JournalBox()
    func open() throws -> Journal {
      guard let journal = box.journal else { throw LuaError(message: "no journal is open") }
      return journal
    }
    lua.register([
      // (path): opens the journal (closing one already open); an error names the file
      "journal_open": { lua in
        let path = try lua.checkString(1, "path")
        box.journal?.close()
        box.journal = nil
        box.journal = try Journal(path: path)
        return 0
      },
      "journal_close": { _ in
        box.journal?.close()
        box.journal = nil
        return 0
      },
      // (key, occurrence) -> entry | nil
      "journal_find": { lua in
        guard let entry = try open().find(key: try lua.checkString(1, "key"),
          occurrence: try lua.checkInteger(2, "occurrence"))
        else {
          lua.pushNil()
          return 1
        }
        push(entry, lua)
        return 1
      },
      // (key, occurrence, kind, endpoint, input_digest) -> id
      "journal_intent": { lua in
        let id = try open().intent(key: try lua.checkString(1, "key"), occurrence: try lua.checkInteger(2, "occurrence"),
          kind: try lua.checkString(3, "kind"), endpoint: try lua.checkString(4, "endpoint"),
          inputDigest: try lua.checkString(5, "input_digest"))
        lua.push(id)
        return 1
      },
      // (id, request_id)
      "journal_submitted": { lua in
        try open().submitted(id: try lua.checkInteger(1, "id"), requestID: try lua.checkString(2, "request_id"))
        return 0
      },
      // (id, state, result_json?, error_json?)
      "journal_finish": { lua in
        try open().finish(id: try lua.checkInteger(1, "id"), state: try lua.checkString(2, "state"),
          result: try lua.optString(3, "result"), error: try lua.optString(4, "error"))
        return 0
      },
      // (states?) -> list of entries, oldest first
      "journal_entries": { lua in
        var states: [String]?
        if try lua.isTable(1, "states") {
          states = []
          for i in stride(from: 1, through: lua.rawLength(at: 1), by: 1) {
            lua.rawGet(index: i, in: 1)
            if let state = lua.string(at: -1) { states?.append(state) }
            lua.pop()
          }
        }
        let entries = try open().entries(states: states)
        lua.newTable(array: Int32(entries.count))
        for (i, entry) in entries.enumerated() {
          push(entry, lua)
          lua.rawSet(index: i + 1, in: -2)
        }
        return 1
      },
    ])
  }

  private static func push(_ entry: Journal.Entry, _ lua: Lua) {
    lua.newTable(record: 14)
    let fields: [(String, Any?)] = [
      ("id", entry.id), ("key", entry.key), ("occurrence", entry.occurrence), ("kind", entry.kind),
      ("endpoint", entry.endpoint), ("input_digest", entry.inputDigest), ("state", entry.state),
      ("request_id", entry.requestID), ("result", entry.result), ("error", entry.error),
      ("attempts", entry.attempts), ("created", entry.created), ("updated", entry.updated),
      ("possible_duplicates", entry.possibleDuplicates),
    ]
    for (name, value) in fields {
      switch value {
      case let v as Int: lua.push(v)
      case let v as Double: lua.push(v)
      case let v as String: lua.push(v)
      default: continue
      }
      lua.rawSet(field: name, in: -2)
    }
  }
}
