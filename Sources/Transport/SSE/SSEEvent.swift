/// One dispatched server-sent event (WHATWG HTML §9.2).
public struct SSEEvent: Sendable, Equatable {
  /// The `event:` field, "message" when the event named none.
  public var type: String
  /// The `data:` lines joined with "\n".
  public var data: String
  /// The last `id:` seen on the stream so far (it carries over to later events).
  public var lastEventID: String

  /// An event with the given fields.
  public init(type: String = "message", data: String, lastEventID: String = "") {
    self.type = type
    self.data = data
    self.lastEventID = lastEventID
  }
}
